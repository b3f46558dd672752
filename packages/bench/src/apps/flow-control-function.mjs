// A browser app that pauses one key through the tree-shakable `pause` function.
import { createQStashClient, pause } from "@qstash-flow/flow-control";

const client = createQStashClient({ token: "<token>", baseUrl: "https://qstash.upstash.io" });
pause(client, "orders").then(() => console.log("paused"));
