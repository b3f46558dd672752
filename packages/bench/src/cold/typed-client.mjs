import { createQStashClient } from "@qstash-flow/fetch";

createQStashClient({ token: "bench-token", baseUrl: "http://127.0.0.1:8080" });
