// A proxy or CDN may compress a reply whatever the request asked. fetch decodes gzip,
// deflate and br; the Node carrier must hand over the same bodies. The server here
// compresses unasked, by the route's last segment, and never looks at Accept-Encoding.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ConnectionError,
  createQStashClient,
  createQStashTransport,
  NotFoundError,
  type QStashClientOptions,
} from "../src/index.ts";
import pkg from "../package.json" with { type: "json" };

const KEY = { flowControlKey: "orders-ключ", waitListSize: 3 };
const ENCODE: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: gzipSync,
  "x-gzip": gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
  // Applied in order: gzip first, then br.
  "gzip, br": (bytes) => brotliCompressSync(gzipSync(bytes)),
};

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer((request, response) => {
    const [path = ""] = request.rawUrl.split("?");
    const segment = decodeURIComponent(path.split("/").at(-1) ?? "");
    const answer = (status: number, body: unknown, coding: string, encode: (bytes: Buffer) => Buffer) => {
      response.writeHead(status, { "content-type": "application/json", "content-encoding": coding });
      response.end(encode(Buffer.from(JSON.stringify(body))));
    };
    if (path === "/v2/flowControl") return answer(200, [KEY, KEY], "gzip", gzipSync);
    if (segment === "raw-deflate") return answer(200, KEY, "deflate", deflateRawSync);
    if (segment === "missing") return answer(404, { error: "no such key, compressed" }, "gzip", gzipSync);
    // A coding fetch does not know: the bytes come as they were sent.
    if (segment === "unknown") return answer(200, KEY, "x-custom", (bytes) => bytes);
    if (segment === "corrupt") return answer(200, KEY, "gzip", (bytes) => bytes);
    const encode = ENCODE[segment] as (bytes: Buffer) => Buffer;
    return answer(200, KEY, segment, encode);
  });
});
afterAll(() => server.close());

const CARRIERS: [string, Partial<QStashClientOptions>][] = [
  ["node:http", {}],
  ["fetch", { fetch: (input, init) => globalThis.fetch(input, init) }],
];
const CODINGS = [...Object.keys(ENCODE), "raw-deflate"];

describe.each(CARRIERS)("a reply compressed unasked, sent over %s", (_carrier, extra) => {
  const options = { token: "t", maxRetries: 0, ...extra };
  const transport = () => createQStashTransport({ ...options, baseUrl: server.url });
  const client = () => createQStashClient({ ...options, baseUrl: server.url });
  const path = (flowControlKey: string) => ({ path: { flowControlKey } });

  test.each(CODINGS)("%s: the transport resolves with the decoded body", async (coding) => {
    expect(await transport().request("get", "/v2/flowControl/{flowControlKey}", path(coding))).toEqual(KEY);
  });

  test("the list, gzipped, is the list", async () => {
    expect(await transport().request("get", "/v2/flowControl")).toEqual([KEY, KEY]);
  });

  test.each(CODINGS)("%s: the typed client's data is the decoded body", async (coding) => {
    const { data, response } = await client().GET("/v2/flowControl/{flowControlKey}", { params: path(coding) });
    expect(data).toEqual(KEY);
    // The headers are as received, as fetch's are.
    expect(response.headers.get("content-encoding")).toBe(coding === "raw-deflate" ? "deflate" : coding);
  });

  test("a compressed error body is decoded into the error", async () => {
    const error = (await transport()
      .request("get", "/v2/flowControl/{flowControlKey}", path("missing"))
      .catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.serverMessage).toBe("no such key, compressed");
    const { error: body, response } = await client().GET("/v2/flowControl/{flowControlKey}", {
      params: path("missing"),
    });
    expect([response.status, body]).toEqual([404, { error: "no such key, compressed" }]);
  });

  test("a body that is not what its coding says fails the attempt, as a body fetch cannot read", async () => {
    const error = await transport()
      .request("get", "/v2/flowControl/{flowControlKey}", path("corrupt"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
  });

  test("a coding fetch does not know leaves the bytes as they came", async () => {
    expect(await transport().request("get", "/v2/flowControl/{flowControlKey}", path("unknown"))).toEqual(KEY);
  });
});

test("node:http asks for what it decodes and names the package and version", async () => {
  await createQStashTransport({ token: "t", baseUrl: server.url }).request("get", "/v2/flowControl");
  const { headers } = server.requests.at(-1) as { headers: Record<string, unknown> };
  expect(headers["accept-encoding"]).toBe("gzip, deflate");
  expect(headers["user-agent"]).toBe(`qstash-flow-fetch/${pkg.version}`);
});

test("a User-Agent or Accept-Encoding of the caller's own is sent instead", async () => {
  const headers = { "User-Agent": "my-app/2", "Accept-Encoding": "identity" };
  await createQStashTransport({ token: "t", baseUrl: server.url, headers }).request("get", "/v2/flowControl");
  await createQStashClient({ token: "t", baseUrl: server.url, headers }).GET("/v2/flowControl");
  for (const request of server.requests.slice(-2)) {
    expect([request.headers["user-agent"], request.headers["accept-encoding"]]).toEqual(["my-app/2", "identity"]);
  }
});
