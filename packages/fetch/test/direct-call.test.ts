// In Node the typed client sends a call nothing else reads itself (src/internal/direct-call.ts)
// and every other call through openapi-fetch. Both ways must hand back the same result for
// the same reply: held to each other here on a real server, over node:http and over a
// caller's fetch.
import { inspect } from "node:util";
import { gzipSync } from "node:zlib";
import { createServer } from "node:net";
import type { ServerResponse } from "node:http";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import type { Middleware } from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { ConnectionError, createQStashClient, type QStashClientOptions } from "../src/index.ts";

const TOKEN = "direct-token";
const PAUSE = "/v2/flowControl/{flowControlKey}/pause";
const path = { params: { path: { flowControlKey: "orders" } } };
// A middleware that changes nothing, to send a call openapi-fetch's way.
const passThrough: Middleware = { onRequest: () => undefined };

const REPLIES: Record<string, (response: ServerResponse) => void> = {
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
  "a redirect": (response) => {
    response.statusCode = 302;
    response.setHeader("location", "https://elsewhere.example/");
    response.end();
  },
};

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer((request, response) => {
    const reply = REPLIES[decodeURIComponent(request.headers["x-reply"] as string)];
    if (!reply) throw new Error(`no reply named ${request.headers["x-reply"]}`);
    reply(response);
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

describe.each(carriers)("%s, the direct way and openapi-fetch's give the same result", (_, options) => {
  test.each(Object.keys(REPLIES))("for %s", async (name) => {
    // The reply's name rides on a header of the client's own (one of the call's would send
    // it openapi-fetch's way). A client per way, so that one finds no state of the other.
    const headers = { "x-reply": encodeURIComponent(name) };
    const a = createQStashClient({ token: TOKEN, baseUrl: server.url, headers, maxRetries: 0, ...options });
    const b = createQStashClient({ token: TOKEN, baseUrl: server.url, headers, maxRetries: 0, ...options });
    b.use(passThrough);
    const first = await observed(await a.POST(PAUSE, path));
    const second = await observed(await b.POST(PAUSE, path));
    expect(first).toEqual(second);
    if (options.authScheme === "query") expect(first.url).not.toContain(TOKEN);
  });
});

/** Counts the platform's `Request`s built while `run` runs: openapi-fetch's way builds one per call. */
async function requestsBuilt(run: (client: ReturnType<typeof createQStashClient>) => Promise<void>) {
  const built: string[] = [];
  vi.stubGlobal(
    "Request",
    class extends Request {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        super(input, init);
        built.push(this.url);
      }
    },
  );
  try {
    // openapi-fetch takes the global `Request` when the client is made.
    const headers = { "x-reply": encodeURIComponent("an empty 200") };
    await run(createQStashClient({ token: TOKEN, baseUrl: server.url, headers }));
  } finally {
    vi.unstubAllGlobals();
  }
  return built.length;
}

describe("which calls go openapi-fetch's way", () => {
  test("a call with nothing of its own builds no Request", async () => {
    expect(await requestsBuilt(async (client) => void (await client.POST(PAUSE, path)))).toBe(0);
  });

  test.each([
    ["a body", { body: { dlqIds: ["1"] } }],
    ["headers of its own", { headers: { "x-b": "2" } }],
    ["a header parameter", { params: { ...path.params, header: { "x-b": "2" } } }],
    ["a middleware of its own", { middleware: [passThrough] }],
    ["another way to parse", { parseAs: "text" }],
  ])("a call with %s goes openapi-fetch's way", async (_, init) => {
    const count = await requestsBuilt(async (client) => {
      await client.POST(PAUSE, { ...path, ...init } as typeof path);
    });
    expect(count).toBe(1);
  });

  test("a call with a Request class of its own goes openapi-fetch's way, which builds one of it", async () => {
    const own: string[] = [];
    class OwnRequest extends Request {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        super(input, init);
        own.push(this.url);
      }
    }
    const headers = { "x-reply": encodeURIComponent("an empty 200") };
    const client = createQStashClient({ token: TOKEN, baseUrl: server.url, headers });
    const { response } = await client.POST(PAUSE, { ...path, Request: OwnRequest });
    expect(response.status).toBe(200);
    expect(own).toEqual([`${server.url}/v2/flowControl/orders/pause`]);
  });

  test("while a middleware is registered every call goes openapi-fetch's way, and after it is ejected none", async () => {
    const first: Middleware = { onRequest: () => undefined };
    const second: Middleware = { onResponse: () => undefined };
    const counts = await requestsBuilt(async (client) => {
      const pause = async () => void (await client.POST(PAUSE, path));
      client.use(first, second);
      await pause();
      client.eject(first);
      await pause();
      client.eject(second);
      await pause();
      // Ejecting what was never registered changes nothing.
      client.eject(first);
      await pause();
    });
    expect(counts).toBe(2);
  });

  test("a middleware registered before one openapi-fetch refuses is followed", async () => {
    const good: Middleware = { onRequest: () => undefined };
    const counts = await requestsBuilt(async (client) => {
      expect(() => client.use(good, { nothing: true } as never)).toThrow();
      await client.POST(PAUSE, path);
      client.eject(good);
      await client.POST(PAUSE, path);
    });
    expect(counts).toBe(1);
  });
});

describe("the direct way's result", () => {
  const client = () =>
    createQStashClient({
      token: TOKEN,
      baseUrl: server.url,
      headers: { "x-reply": encodeURIComponent("a 200 with JSON") },
    });

  test("its response is one object, read as often as wanted, and may be replaced", async () => {
    const result = await client().POST(PAUSE, path);
    const { response } = result;
    expect(result.response).toBe(response);
    expect("response" in result).toBe(true);
    const replaced = new Response(null, { status: 299 });
    result.response = replaced;
    expect(result.response).toBe(replaced);
  });

  test("is logged with its response, as openapi-fetch's is", async () => {
    const shown = inspect(await client().POST(PAUSE, path));
    expect(shown).toContain("data: [");
    expect(shown).toContain("response: Response {");
    expect(shown).toContain("status: 200");
  });

  test("a spread copies data or error alone: the response is made on first read", async () => {
    const result = await client().POST(PAUSE, path);
    expect({ ...result }).toEqual({ data: [{ flowControlKey: "orders", waitListSize: 3 }] });
  });
});

describe("a reply no Response can carry", () => {
  let raw: import("node:net").Server;
  let baseUrl: string;
  const status = new Map<string, string>([
    ["a status past 599", "HTTP/1.1 600 Odd"],
    ["a control character in the reason", "HTTP/1.1 200 O\x01K"],
  ]);
  beforeAll(async () => {
    raw = createServer((socket) => {
      socket.once("data", (chunk) => {
        const name = decodeURIComponent(/x-reply: ([^\r]+)/i.exec(chunk.toString("latin1"))?.[1] ?? "");
        socket.end(`${status.get(name)}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(raw.address() as import("node:net").AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => raw.close(() => resolve())));

  test.each([...status.keys()])("fails with a ConnectionError either way: %s", async (name) => {
    const headers = { "x-reply": encodeURIComponent(name) };
    const direct = createQStashClient({ token: TOKEN, baseUrl, headers, maxRetries: 0 });
    const other = createQStashClient({ token: TOKEN, baseUrl, headers, maxRetries: 0 });
    other.use(passThrough);
    // Never an error result: there is no Response to put in it.
    await expect(direct.POST(PAUSE, path)).rejects.toThrow(ConnectionError);
    await expect(other.POST(PAUSE, path)).rejects.toThrow(ConnectionError);
  });
});
