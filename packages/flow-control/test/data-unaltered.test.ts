// What the API sent reaches the caller unaltered, whatever the token: redaction applies
// only to what the library composes. Tokens that occur inside the data ("t", the key
// itself) used to be cut out of success bodies.
import { createQStashClient } from "@qstash-flow/fetch";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FlowControl, NotFoundError } from "../src/index.ts";

const ORDERS = { flowControlKey: "orders", waitListSize: 3 };

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer((request, response) => {
    response.setHeader("content-type", "application/json");
    const path = request.rawUrl.split("?")[0];
    if (path === "/v2/flowControl/orders") response.end(JSON.stringify(ORDERS));
    else if (path === "/v2/flowControl") response.end(JSON.stringify([ORDERS]));
    else {
      response.statusCode = 404;
      response.end(JSON.stringify({ error: "fetch failed (bad port): no such key orders-x" }));
    }
  });
});
afterAll(() => server.close());

const SCHEMES = ["header", "query"] as const;
// Short tokens, and tokens that are words of the data.
const TOKENS = ["t", "orders", "flowControlKey", "waitListSize"];

describe.each(SCHEMES)("authScheme %s", (authScheme) => {
  test.each(TOKENS)("token %j: get and list resolve with the body as sent", async (token) => {
    const flow = new FlowControl({ token, baseUrl: server.url, authScheme, maxRetries: 0 });
    await expect(flow.get("orders")).resolves.toMatchObject(ORDERS);
    await expect(flow.list()).resolves.toEqual([expect.objectContaining(ORDERS)]);
  });

  test.each(TOKENS)("token %j: the typed client's data is the body as sent", async (token) => {
    const client = createQStashClient({ token, baseUrl: server.url, authScheme, maxRetries: 0 });
    const { data } = await client.GET("/v2/flowControl/{flowControlKey}", {
      params: { path: { flowControlKey: "orders" } },
    });
    expect(data).toEqual(ORDERS);
  });

  test("a short token does not shred the server's error message", async () => {
    const flow = new FlowControl({ token: "t", baseUrl: server.url, authScheme, maxRetries: 0 });
    const error = await flow.get("orders-x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).serverMessage).toBe("fetch failed (bad port): no such key orders-x");
    expect((error as NotFoundError).body).toEqual({ error: "fetch failed (bad port): no such key orders-x" });
  });
});
