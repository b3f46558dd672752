import { Client } from "@upstash/qstash";

new Client({ token: "bench-token", baseUrl: "http://127.0.0.1:8080" });
