// A browser app that pauses one key through the typed openapi-fetch client.
import { createQStashClient } from "@qstash-flow/fetch";

const client = createQStashClient({ token: "<token>", baseUrl: "https://qstash.upstash.io" });
client
  .POST("/v2/flowControl/{flowControlKey}/pause", { params: { path: { flowControlKey: "orders" } } })
  .then(({ response }) => console.log(response.ok ? "paused" : "failed"));
