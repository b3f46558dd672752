import { createQStashClient } from "@qstash-flow/fetch";

createQStashClient({ token: "bench-token", baseUrl: "http://127.0.0.1:8080" });

// The CPU time this process used up to here: unlike wall time, barely moved by other load.
process.stdout.write(JSON.stringify(process.cpuUsage()));
