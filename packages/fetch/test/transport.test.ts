import { handlerFetch, json, type SeenRequest, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterEach, describe, expect, test, vi } from "vitest";
import {
  APIError,
  createQStashClient,
  createQStashTransport,
  type FetchLike,
  NotFoundError,
  type QStashClientOptions,
  RateLimitError,
  ValidationError,
} from "../src/index.ts";
import { fetchExchange, globalFetch } from "../src/internal/fetch-exchange.ts";

const TOKEN = "transport-token-456";
const KEY = { path: { flowControlKey: "orders/eu" } };

function setup(
  handler: (request: SeenRequest) => Response = () => new Response(null),
  options: Partial<QStashClientOptions> = {},
) {
  const mock = handlerFetch(handler);
  const transport = createQStashTransport({
    token: TOKEN,
    baseUrl: "http://qstash.test",
    fetch: mock.fetch,
    ...options,
  });
  return { transport, requests: mock.requests };
}

const wire = (requests: SeenRequest[]) => requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("createQStashTransport: requests on the wire", () => {
  test("the key is one encoded segment, the query keeps its order, the token goes in the header", async () => {
    const { transport, requests } = setup();
    await transport.request("post", "/v2/flowControl/{flowControlKey}/pause", KEY);
    await transport.request("post", "/v2/flowControl/{flowControlKey}/pin", {
      ...KEY,
      // an undefined value is left out, as in a URLSearchParams built by hand
      query: { parallelism: 4, rate: undefined, period: 60 } as never,
    });
    await transport.request("post", "/v2/flowControl/{flowControlKey}/unpin", { ...KEY, query: { rate: false } });
    await transport.request("get", "/v2/globalParallelism");
    expect(wire(requests)).toEqual([
      "POST /v2/flowControl/orders%2Feu/pause",
      "POST /v2/flowControl/orders%2Feu/pin?parallelism=4&period=60",
      "POST /v2/flowControl/orders%2Feu/unpin?rate=false",
      "GET /v2/globalParallelism",
    ]);
    for (const request of requests) {
      expect(request.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
      expect(request.body).toBe("");
    }
  });

  test("a multi-value filter goes as one name=value per item, each encoded; a bad item sends nothing", async () => {
    const { transport, requests } = setup(() => json({ cancelled: 0 }));
    await transport.request("delete", "/v2/messages", { query: { flowControlKey: ["a&b", "c d"], count: 500 } });
    expect(wire(requests)).toEqual(["DELETE /v2/messages?flowControlKey=a%26b&flowControlKey=c+d&count=500"]);
    const bad = { query: { flowControlKey: ["a", { no: 1 }] } } as never;
    await expect(transport.request("delete", "/v2/messages", bad)).rejects.toThrow(/or a non-empty list of them/);
    expect(requests).toHaveLength(1);
  });

  test("an empty filter list is refused, never sent as no filter (a bulk action would act on everything)", async () => {
    const { transport, requests } = setup(() => json({ cancelled: 0 }));
    const typed = handlerFetch(() => json({}));
    const client = createQStashClient({ token: TOKEN, baseUrl: "http://127.0.0.1:1", fetch: typed.fetch });
    await expect(transport.request("delete", "/v2/messages", { query: { flowControlKey: [] } })).rejects.toThrow(
      /query parameter flowControlKey must be .*, or a non-empty list of them/,
    );
    await expect(client.DELETE("/v2/dlq", { params: { query: { flowControlKey: [] } } })).rejects.toThrow(
      /query parameter flowControlKey must be .*, or a non-empty list of them/,
    );
    expect(requests).toHaveLength(0);
    expect(typed.requests).toHaveLength(0);
  });

  test('authScheme "query" sends the token as qstash_token and no Authorization header', async () => {
    const { transport, requests } = setup(undefined, { authScheme: "query" });
    await transport.request("post", "/v2/flowControl/{flowControlKey}/pin", { ...KEY, query: { rate: 2 } });
    await transport.request("get", "/v2/flowControl");
    expect(requests.map((r) => r.url.search)).toEqual([`?rate=2&qstash_token=${TOKEN}`, `?qstash_token=${TOKEN}`]);
    expect(requests.every((r) => !r.headers.has("authorization"))).toBe(true);
  });

  test("extra headers go with every request", async () => {
    const { transport, requests } = setup(undefined, { headers: { "X-Trace": "abc" } });
    await transport.request("get", "/v2/flowControl");
    expect(requests[0]?.headers.get("x-trace")).toBe("abc");
  });

  test("without an injected fetch, Node sends over node:http, never the global fetch", async () => {
    const global = handlerFetch(() => json({ parallelismMax: 1 }));
    vi.stubGlobal("fetch", global.fetch);
    const server = await startLoopbackServer((_, response) => {
      response.end('{"parallelismMax":2}');
    });
    try {
      const transport = createQStashTransport({ token: TOKEN, baseUrl: server.url });
      expect(await transport.request("get", "/v2/globalParallelism")).toEqual({ parallelismMax: 2 });
      expect(global.requests).toHaveLength(0);
      expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);
    } finally {
      await server.close();
    }
  });

  test("once Node's fetch has installed its default dispatcher, Node still sends over node:http", async () => {
    const server = await startLoopbackServer((_, response) => {
      response.end('{"parallelismMax":2}');
    });
    try {
      const slot = Symbol.for("undici.globalDispatcher.1");
      // Nothing in this file imports undici: what fetch installs here is Node's own.
      await fetch(server.url);
      expect((globalThis as Record<symbol, unknown>)[slot]).toBeDefined();
      await createQStashTransport({ token: TOKEN, baseUrl: server.url }).request("get", "/v2/globalParallelism");
      // Node's fetch sends `sec-fetch-mode`; node:http does not.
      expect(server.requests.map((r) => r.headers["sec-fetch-mode"] ?? "node:http")).toEqual(["cors", "node:http"]);
    } finally {
      await server.close();
    }
  });

  test("where fetch carries the calls, the global one is looked up at each call", async () => {
    const first = handlerFetch(() => json({ parallelismMax: 1 }));
    const second = handlerFetch(() => json({ parallelismMax: 2 }));
    const send = fetchExchange(globalFetch);
    const read = async () => (await send("http://qstash.test/", { method: "GET", headers: {} }).reply).text;
    vi.stubGlobal("fetch", first.fetch);
    expect(await read()).toBe('{"parallelismMax":1}');
    vi.stubGlobal("fetch", second.fetch);
    expect(await read()).toBe('{"parallelismMax":2}');
    expect([first.requests.length, second.requests.length]).toEqual([1, 1]);
  });
});

describe("createQStashTransport: results", () => {
  test("a JSON body is parsed, an empty one is undefined, any other is its text", async () => {
    const bodies = [json({ flowControlKey: "a", waitListSize: 3 }), new Response(null), new Response("OK")];
    const { transport } = setup(() => bodies.shift() as Response);
    expect(await transport.request("get", "/v2/flowControl/{flowControlKey}", KEY)).toEqual({
      flowControlKey: "a",
      waitListSize: 3,
    });
    expect(await transport.request("post", "/v2/flowControl/{flowControlKey}/pause", KEY)).toBeUndefined();
    expect(await transport.request("post", "/v2/flowControl/{flowControlKey}/resume", KEY)).toBe("OK");
  });

  test("over node:http and over fetch alike, a byte order mark before a body is dropped and a 205's body is none", async () => {
    const server = await startLoopbackServer((request, response) => {
      if (request.rawUrl.endsWith("/pause")) return void response.end('\uFEFF{"paused":true}');
      response.writeHead(205, { "content-length": "2" }).end("{}");
    });
    try {
      for (const fetch of [
        undefined,
        (input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init),
      ]) {
        const transport = createQStashTransport({ token: TOKEN, baseUrl: server.url, ...(fetch ? { fetch } : {}) });
        expect(await transport.request("post", "/v2/flowControl/{flowControlKey}/pause", KEY)).toEqual({
          paused: true,
        });
        expect(await transport.request("post", "/v2/flowControl/{flowControlKey}/resume", KEY)).toBeUndefined();
      }
    } finally {
      await server.close();
    }
  });

  test("a failed status rejects with the class for it, its body parsed and the token cut from its headers", async () => {
    const { transport } = setup(
      () =>
        new Response(JSON.stringify({ error: "no such key" }), {
          status: 404,
          headers: { "x-request-id": "r-1", "x-echo": `token=${TOKEN}` },
        }),
    );
    const error = (await transport
      .request("get", "/v2/flowControl/{flowControlKey}", KEY)
      .catch((e) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.name).toBe("NotFoundError");
    expect([error.status, error.serverMessage, error.requestId]).toEqual([404, "no such key", "r-1"]);
    expect(error.body).toEqual({ error: "no such key" });
    expect(error.headers.get("x-echo")).toBe("token=[redacted]");
  });

  test("a 429 is retried, then rejects with RateLimitError", async () => {
    const { transport, requests } = setup(
      () =>
        new Response("slow down", {
          status: 429,
          headers: { "Burst-RateLimit-Remaining": "0", "Retry-After": "0" },
        }),
      { maxRetries: 1 },
    );
    const error = (await transport
      .request("post", "/v2/flowControl/{flowControlKey}/pause", KEY)
      .catch((e) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect([error.serverMessage, error.remaining]).toEqual(["slow down", 0]);
    expect(requests).toHaveLength(2);
  });

  test("per-call maxRetries overrides the client's", async () => {
    const { transport, requests } = setup(() => new Response(null, { status: 503, headers: { "Retry-After": "0" } }), {
      maxRetries: 3,
    });
    const error = await transport
      .request("post", "/v2/flowControl/{flowControlKey}/pause", KEY, { maxRetries: 0 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(requests).toHaveLength(1);
  });
});

describe("createQStashTransport: bad input is refused before anything is sent", () => {
  const calls: [string, (t: ReturnType<typeof createQStashTransport>) => Promise<unknown>, RegExp][] = [
    [
      "a missing key",
      (t) => t.request("post", "/v2/flowControl/{flowControlKey}/pause", {} as never),
      /flowControlKey is missing/,
    ],
    [
      "a dot-segment key",
      (t) => t.request("post", "/v2/flowControl/{flowControlKey}/pause", { path: { flowControlKey: ".." } }),
      /dot-segment/,
    ],
    ["an unknown parameter", (t) => t.request("get", "/v2/flowControl", { body: 1 } as never), /unknown param "body"/],
    [
      "an unknown call option",
      (t) => t.request("get", "/v2/flowControl", {}, { retries: 1 } as never),
      /unknown option "retries"; expected signal, maxRetries, timeout/,
    ],
    [
      "a query that is not an object",
      (t) => t.request("post", "/v2/flowControl/{flowControlKey}/pin", { ...KEY, query: "rate=1" as never }),
      /query must be an object/,
    ],
    [
      "a query that is a list",
      (t) => t.request("post", "/v2/flowControl/{flowControlKey}/pin", { ...KEY, query: [["rate", 1]] as never }),
      /query must be an object/,
    ],
    [
      "a query value that is an object",
      (t) => t.request("post", "/v2/flowControl/{flowControlKey}/pin", { ...KEY, query: { rate: {} as never } }),
      /query parameter rate/,
    ],
    [
      "a query value that is NaN",
      (t) => t.request("post", "/v2/flowControl/{flowControlKey}/pin", { ...KEY, query: { rate: Number.NaN } }),
      /query parameter rate/,
    ],
    [
      "a signal that is not one",
      (t) => t.request("get", "/v2/flowControl", {}, { signal: "now" as never }),
      /signal must be an AbortSignal/,
    ],
    ["a negative timeout", (t) => t.request("get", "/v2/flowControl", {}, { timeout: -1 }), /timeout must be/],
  ];
  test.each(calls)("%s", async (_, call, message) => {
    const { transport, requests } = setup();
    const error = await call(transport).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(message);
    expect(requests).toHaveLength(0);
  });
});

describe("createQStashTransport: options", () => {
  const fetch: FetchLike = async () => new Response(null);
  test.each([
    ["an unknown option", { token: "t", retries: 3 }, /unknown option "retries"/],
    ["no token", {}, /token must be/],
    ["a token with an inner space", { token: "a b" }, /token must be/],
    [
      "a header value that HTTP cannot carry",
      { token: "t", headers: { "x-a": "line\nbreak" } },
      /headers must hold valid/,
    ],
    [
      "an Authorization header next to the token",
      { token: "t", headers: { Authorization: "Basic x" } },
      /must not set Authorization/,
    ],
    [
      "a Content-Length among the client's headers",
      { token: "t", headers: { "Content-Length": "0" } },
      /headers must not set Content-Length: the client frames each request itself/,
    ],
    [
      "a Transfer-Encoding among the client's headers",
      { token: "t", headers: [["Transfer-Encoding", "chunked"]] },
      /headers must not set Transfer-Encoding/,
    ],
    ["a fetch that is not a function", { token: "t", fetch: "fetch" }, /fetch must be a function/],
    ["baseUrl and region", { token: "t", baseUrl: "http://x", region: "us-east-1" }, /not both/],
    ["an unknown region", { token: "t", region: "mars-1" }, /region must be one of eu-central-1, us-east-1/],
    ["a baseUrl with a query", { token: "t", baseUrl: "http://x/?a=1" }, /baseUrl must be an absolute http\(s\) URL/],
    // URL reports an empty query and fragment for these, yet the path would land behind them.
    ["a baseUrl ending in ?", { token: "t", baseUrl: "http://x/?" }, /without query, fragment/],
    ["a baseUrl ending in #", { token: "t", baseUrl: "http://x/api#" }, /without query, fragment/],
    ["a baseUrl with a fragment", { token: "t", baseUrl: "http://x/#top" }, /without query, fragment/],
  ])("%s is refused", (_, options, message) => {
    expect(() => createQStashTransport({ fetch, ...options } as never)).toThrow(ValidationError);
    expect(() => createQStashTransport({ fetch, ...options } as never)).toThrow(message);
  });

  test("with authScheme query an Authorization header is the caller's to send", async () => {
    const { transport, requests } = setup(undefined, {
      authScheme: "query",
      headers: { Authorization: "Basic proxy" },
    });
    await transport.request("get", "/v2/flowControl");
    expect(requests[0]?.headers.get("authorization")).toBe("Basic proxy");
  });

  test("baseUrl drops trailing slashes; region picks the regional server", () => {
    expect(createQStashTransport({ token: "t", baseUrl: "http://127.0.0.1:8080/qstash//", fetch }).baseUrl).toBe(
      "http://127.0.0.1:8080/qstash",
    );
    expect(createQStashTransport({ token: "t", region: "us-east-1", fetch }).baseUrl).toBe(
      "https://qstash-us-east-1.upstash.io",
    );
  });
});

test("a fetch of the caller's that adds to the headers it is given changes no later call", async () => {
  const before: (string | null)[] = [];
  const transport = createQStashTransport({
    token: "t",
    baseUrl: "http://local.test",
    fetch: async (_input, init) => {
      const headers = init?.headers;
      before.push(new Headers(headers).get("x-request-id"));
      if (headers instanceof Headers) headers.set("x-request-id", String(before.length));
      else if (headers) (headers as Record<string, string>)["x-request-id"] = String(before.length);
      return new Response(null, { status: 200 });
    },
  });
  await transport.request("post", "/v2/flowControl/{flowControlKey}/pause", { path: { flowControlKey: "k" } });
  await transport.request("post", "/v2/flowControl/{flowControlKey}/pause", { path: { flowControlKey: "k" } });
  expect(before).toEqual([null, null]);
});
