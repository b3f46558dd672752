// Every operation in the merged spec is reachable from the typed client and from the
// wrapper: if a spec gains an operation, this fails until both layers call it.
import { readFile } from "node:fs/promises";
import { COMBINED_SPEC, handlerFetch, json, type SeenRequest } from "@qstash-flow/test-utils";
import { expect, test } from "vitest";
import { createQStashClient } from "@qstash-flow/fetch";
import { FlowControl } from "../src/index.ts";

const KEY = "surface/key";

async function specOperations(): Promise<string[]> {
  const spec = JSON.parse(await readFile(COMBINED_SPEC, "utf8"));
  return Object.entries(spec.paths)
    .flatMap(([path, item]) => Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

function recorder() {
  const mock = handlerFetch((request) => {
    if (request.method !== "GET") return new Response(null);
    return request.url.pathname === "/v2/flowControl" ? json([]) : json({});
  });
  const template = (r: SeenRequest) =>
    `${r.method} ${r.url.pathname.replace(encodeURIComponent(KEY), "{flowControlKey}")}`;
  return { fetch: mock.fetch, seen: () => [...new Set(mock.requests.map(template))].sort() };
}

test("the merged spec has the eight flow-control operations", async () => {
  expect(await specOperations()).toHaveLength(8);
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
  expect(seen()).toEqual(await specOperations());
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
  expect(seen()).toEqual(await specOperations());
});
