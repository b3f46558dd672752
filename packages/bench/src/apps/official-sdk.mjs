// A browser app that pauses one key through the official SDK.
import { Client } from "@upstash/qstash";

const client = new Client({ token: "<token>", baseUrl: "https://qstash.upstash.io" });
client.flowControl.pause("orders").then(() => console.log("paused"));
