// In Node the typed client sends a call nothing else reads itself (src/internal/direct-call.ts)
// and every other call through openapi-fetch. Both ways must hand back the same result for
// the same reply: held to each other here on a real server, over node:http and over a
// caller's fetch.
import { gzipSync } from "node:zlib";
import type { ServerResponse } from "node:http";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import type { Middleware } from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createQStashClient, type QStashClientOptions } from "../src/index.ts";

const TOKEN = "direct-token";
const PAUSE = "/v2/flowControl/{flowControlKey}/pause";
const path = { params: { path: { flowControlKey: "orders" } } };
// A middleware that changes nothing, to send a call openapi-fetch's way.
const passThrough: Middleware = { onRequest: () => undefined };

/** What the server answers, by name; `attempt` counts the requests of one client from 1. */
const REPLIES: Record<string, (response: ServerResponse, attempt: number) => void> = {
  "an empty 200": (response) => response.end(),
  "a 200 with JSON": (response) => {
    response.setHeader("content-type", "application/json");
    response.end('[{"flowControlKey":"orders","waitListSize":3}]');
  },
  "a 200 that is not JSON": (response) => response.end("OK"),
  "a chunked 200 with JSON": (response) => {
    response.write('{"parallelismMax":');
    response.end("10}");
  },
  "a gzipped 200 with JSON": (response) => {
    response.setHeader("content-encoding", "gzip");
    response.end(gzipSync('{"parallelismCount":2}'));
  },
  "a 200 whose bytes are not UTF-8": (response) => response.end(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
  "a 204": (response) => {
    response.statusCode = 204;
    response.end();
  },
  "a 400 with the API's error": (response) => {
    response.statusCode = 400;
    response.setHeader("content-type", "application/json");
    response.end('{"error":"flowControlKey is missing"}');
  },
  "a 400 without a body": (response) => {
    response.statusCode = 400;
    response.end();
  },
  "a 404 whose body is JSON null": (response) => {
    response.statusCode = 404;
    response.end("null");
  },
  "a 500 with text": (response) => {
    response.statusCode = 500;
    response.statusMessage = "Something Broke";
    response.end("upstream timed out");
  },
  "a 200 whose JSON starts with a byte order mark": (response) => response.end('\uFEFF{"parallelismMax":3}'),
  "a 205 that came with a body": (response) => {
    response.statusCode = 205;
    response.setHeader("content-length", "2");
    response.end("{}");
  },
  "a 400 whose JSON is an empty string": (response) => {
    response.statusCode = 400;
    response.end('""');
  },
  "a 503, then a 200 with JSON": (response, attempt) => {
    response.statusCode = attempt === 1 ? 503 : 200;
    response.end(attempt === 1 ? "busy" : '{"parallelismCount":1}');
  },
  "a redirect": (response) => {
    response.statusCode = 302;
    response.setHeader("location", "https://elsewhere.example/");
    response.end();
  },
};

let server: LoopbackServer;
beforeAll(async () => {
  const attempts = new Map<string, number>();
  server = await startLoopbackServer((request, response) => {
    const reply = REPLIES[decodeURIComponent(request.headers["x-reply"] as string)];
    if (!reply) throw new Error(`no reply named ${request.headers["x-reply"]}`);
    const client = request.headers["x-client"] as string;
    attempts.set(client, (attempts.get(client) ?? 0) + 1);
    reply(response, attempts.get(client) as number);
  });
});
afterAll(() => server.close());

/** What a caller can observe of a result, its response's body read again last. */
async function observed(result: { data?: unknown; error?: unknown; response: Response }) {
  const { response } = result;
  return {
    has: { data: "data" in result, error: "error" in result },
    data: result.data,
    error: result.error,
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    url: response.url,
    headers: [...response.headers].filter(([name]) => name !== "date" && name !== "keep-alive"),
    bodyUsed: response.bodyUsed,
    again: await response.text().then(
      (text) => `read ${JSON.stringify(text)}`,
      (error: Error) => error.name,
    ),
  };
}

const carriers: [string, Partial<QStashClientOptions>][] = [
  ["over node:http", {}],
  ["over a caller's fetch", { fetch: (input, init) => globalThis.fetch(input, init) }],
  ["over node:http with the token in the query", { authScheme: "query" }],
];

/** A pair of clients, made while the platform's `Request`s built are counted. */
function clients(name: string, options: Partial<QStashClientOptions>) {
  const built: string[] = [];
  const Counted = class extends Request {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(input, init);
      built.push(this.url);
    }
  };
  // openapi-fetch takes the global `Request` when a client is made.
  vi.stubGlobal("Request", Counted);
  try {
    // The reply's name rides on a header of the client's own (one of the call's would send
    // it openapi-fetch's way); one retry, fast, for the reply that asks for it.
    const made = (client: string) =>
      createQStashClient({
        token: TOKEN,
        baseUrl: server.url,
        headers: { "x-reply": encodeURIComponent(name), "x-client": `${client}-${Math.random()}` },
        maxRetries: 1,
        ...options,
      });
    const direct = made("direct");
    const other = made("openapi-fetch");
    other.use(passThrough);
    return { direct, other, built };
  } finally {
    vi.unstubAllGlobals();
  }
}

const calls: [string, (client: ReturnType<typeof createQStashClient>) => Promise<unknown>][] = [
  ["POST", (client) => client.POST(PAUSE, path)],
  ["GET", (client) => client.GET("/v2/flowControl/{flowControlKey}", path)],
  ["HEAD", (client) => client.request("head" as never, PAUSE as never, path as never)],
  [
    "POST with a query, to a base URL of its own",
    (client) =>
      client.POST("/v2/flowControl/{flowControlKey}/pin", {
        params: { path: { flowControlKey: "a b" }, query: { parallelism: 2, rate: 5, period: 60 } },
        baseUrl: `${server.url}/`,
      }),
  ],
];

describe.each(carriers)("%s, the direct way and openapi-fetch's give the same result", (_, options) => {
  test.each(Object.keys(REPLIES))("for %s", async (name) => {
    const { direct, other, built } = clients(name, options);
    const first = await observed((await calls[0]?.[1](direct)) as never);
    expect(built).toEqual([]);
    const second = await observed((await calls[0]?.[1](other)) as never);
    expect(built).toHaveLength(1);
    expect(first).toEqual(second);
    if (options.authScheme === "query") expect(first.url).not.toContain(TOKEN);
  });

  test.each(calls.slice(1))("for %s", async (_, call) => {
    for (const name of ["a 200 with JSON", "a 400 with the API's error"]) {
      const { direct, other } = clients(name, options);
      const before = server.requests.length;
      const first = await observed((await call(direct)) as never);
      const second = await observed((await call(other)) as never);
      expect(first).toEqual(second);
      // The same request on the wire, both ways.
      const [a, b] = server.requests.slice(before);
      expect([a?.method, a?.rawUrl.replace(TOKEN, "")]).toEqual([b?.method, b?.rawUrl.replace(TOKEN, "")]);
    }
  });
});
