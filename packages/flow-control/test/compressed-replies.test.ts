// A proxy or CDN in front of the API may compress replies unasked. In Node, without a
// `fetch` option, FlowControl sends over node:http, which must decode them as fetch would.
import { brotliCompressSync, gzipSync } from "node:zlib";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, expect, test } from "vitest";
import { FlowControl, NotFoundError } from "../src/index.ts";

const ORDERS = { flowControlKey: "orders", waitListSize: 3, isPaused: false };

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer((request, response) => {
    const path = request.rawUrl.split("?")[0];
    const send = (status: number, body: unknown, coding: string, encode: (bytes: Buffer) => Buffer) => {
      response.writeHead(status, { "content-type": "application/json", "content-encoding": coding });
      response.end(encode(Buffer.from(JSON.stringify(body))));
    };
    if (path === "/v2/flowControl") send(200, [ORDERS], "gzip", gzipSync);
    else if (path === "/v2/flowControl/orders") send(200, ORDERS, "br", brotliCompressSync);
    else send(404, { error: "no such key" }, "gzip", gzipSync);
  });
});
afterAll(() => server.close());

const flow = () => new FlowControl({ token: "t", baseUrl: server.url, maxRetries: 0 });

test("list: a gzipped list is the list", async () => {
  await expect(flow().list()).resolves.toEqual([expect.objectContaining(ORDERS)]);
});

test("get: a br-compressed key is the key", async () => {
  await expect(flow().get("orders")).resolves.toMatchObject(ORDERS);
});

test("a gzipped error carries the server's message", async () => {
  const error = (await flow()
    .get("missing")
    .catch((e: unknown) => e)) as NotFoundError;
  expect(error).toBeInstanceOf(NotFoundError);
  expect(error.serverMessage).toBe("no such key");
});
