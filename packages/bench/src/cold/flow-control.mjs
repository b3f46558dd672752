import { FlowControl } from "@qstash-flow/flow-control";

new FlowControl({ token: "bench-token", baseUrl: "http://127.0.0.1:8080" });
