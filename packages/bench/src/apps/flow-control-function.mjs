// A browser app that pauses one key through the tree-shakable `pause` function.
import { createQStashTransport, pause } from "@qstash-flow/flow-control";

const transport = createQStashTransport({ token: "<token>", baseUrl: "https://qstash.upstash.io" });
pause(transport, "orders").then(() => console.log("paused"));
