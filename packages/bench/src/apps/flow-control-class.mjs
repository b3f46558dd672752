// A browser app that pauses one key through the FlowControl class.
import { FlowControl } from "@qstash-flow/flow-control";

const flowControl = new FlowControl({ token: "<token>", baseUrl: "https://qstash.upstash.io" });
flowControl.pause("orders").then(() => console.log("paused"));
