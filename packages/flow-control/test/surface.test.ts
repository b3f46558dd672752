// Every operation in the merged spec is reachable from the typed client and from the
// wrapper: if a spec gains an operation, this fails until both layers call it (or it is
// named below as the typed client's alone).
import { readFile } from "node:fs/promises";
import { COMBINED_SPEC, handlerFetch, json, type SeenRequest } from "@qstash-flow/test-utils";
import { expect, test } from "vitest";
import { createQStashClient } from "@qstash-flow/fetch";
import { FlowControl } from "../src/index.ts";

const KEY = "surface/key";

// The wrapper acts on keys; one message by its id is the typed client's to get or cancel
// (issue #27 names the wrapper's calls: cancelMessages, list/retry/deleteDeadLetters).
const TYPED_CLIENT_ONLY = ["DELETE /v2/messages/{messageId}", "GET /v2/messages/{messageId}"];

async function specOperations(): Promise<string[]> {
  const spec = JSON.parse(await readFile(COMBINED_SPEC, "utf8"));
  return Object.entries(spec.paths)
    .flatMap(([path, item]) => Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

function recorder() {
  const mock = handlerFetch((request) => {
    const { pathname } = request.url;
    if (pathname === "/v2/messages") return json({ cancelled: 0 });
    if (pathname === "/v2/dlq/retry") return json({ responses: [] }, { status: 201 });
    if (pathname === "/v2/dlq") return json(request.method === "GET" ? { messages: [] } : { deleted: 0 });
    if (request.method !== "GET") return new Response(null);
    return pathname === "/v2/flowControl" ? json([]) : json({});
  });
  const template = (r: SeenRequest) =>
    `${r.method} ${r.url.pathname.replace(encodeURIComponent(KEY), "{flowControlKey}").replace(/\/msg_1$/, "/{messageId}")}`;
  return { fetch: mock.fetch, seen: () => [...new Set(mock.requests.map(template))].sort() };
}

test("the merged spec has the eight flow-control operations and six on a key's messages", async () => {
  const operations = await specOperations();
  expect(operations).toHaveLength(14);
  expect(operations).toEqual(expect.arrayContaining(TYPED_CLIENT_ONLY));
});

test("the wrapper reaches every operation of the spec", async () => {
  const { fetch, seen } = recorder();
  const flow = new FlowControl({ token: "t", fetch });
  await flow.list();
  await flow.get(KEY);
  await flow.pause(KEY);
  await flow.resume(KEY);
  await flow.pin(KEY, { rate: 1 });
  await flow.unpin(KEY, { rate: true });
  await flow.resetRate(KEY);
  await flow.getGlobalParallelism();
  await flow.cancelMessages(KEY);
  for await (const _ of flow.listDeadLetters(KEY)) break;
  await flow.retryDeadLetters(KEY);
  await flow.deleteDeadLetters(KEY);
  expect(seen()).toEqual((await specOperations()).filter((op) => !TYPED_CLIENT_ONLY.includes(op)));
});

test("the typed client reaches every operation of the spec", async () => {
  const { fetch, seen } = recorder();
  const client = createQStashClient({ token: "t", fetch });
  const path = { path: { flowControlKey: KEY } };
  await client.GET("/v2/flowControl");
  await client.GET("/v2/flowControl/{flowControlKey}", { params: path });
  await client.POST("/v2/flowControl/{flowControlKey}/pause", { params: path });
  await client.POST("/v2/flowControl/{flowControlKey}/resume", { params: path });
  await client.POST("/v2/flowControl/{flowControlKey}/pin", { params: { ...path, query: { rate: 1 } } });
  await client.POST("/v2/flowControl/{flowControlKey}/unpin", { params: { ...path, query: { rate: true } } });
  await client.POST("/v2/flowControl/{flowControlKey}/resetRate", { params: path });
  await client.GET("/v2/globalParallelism");
  await client.DELETE("/v2/messages", { params: { query: { flowControlKey: [KEY] } } });
  await client.GET("/v2/messages/{messageId}", { params: { path: { messageId: "msg_1" } } });
  await client.DELETE("/v2/messages/{messageId}", { params: { path: { messageId: "msg_1" } } });
  await client.GET("/v2/dlq");
  await client.POST("/v2/dlq/retry", { params: { query: { flowControlKey: [KEY] } } });
  await client.DELETE("/v2/dlq", { params: { query: { flowControlKey: [KEY] } } });
  expect(seen()).toEqual(await specOperations());
});
