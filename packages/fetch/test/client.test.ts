import { handlerFetch, json } from "@qstash-flow/test-utils";
import { describe, expect, test } from "vitest";
import { createQStashClient, DEFAULT_BASE_URL, ValidationError } from "../src/index.ts";

const TOKEN = "test-token-123";

function setup(
  options: { baseUrl?: string; region?: "eu-central-1" | "us-east-1"; authScheme?: "header" | "query" } = {},
) {
  const mock = handlerFetch((request) =>
    request.method === "GET" ? json(request.url.pathname.endsWith("flowControl") ? [] : {}) : new Response(null),
  );
  const client = createQStashClient({ token: TOKEN, fetch: mock.fetch, ...options });
  return { client, requests: mock.requests };
}

type Client = ReturnType<typeof createQStashClient>;
const path = (flowControlKey: string) => ({ params: { path: { flowControlKey } } });

describe("createQStashClient: requests on the wire", () => {
  test.each([
    ["pause", "/v2/flowControl/{flowControlKey}/pause"],
    ["resume", "/v2/flowControl/{flowControlKey}/resume"],
    ["resetRate", "/v2/flowControl/{flowControlKey}/resetRate"],
  ] as const)("%s: POST with the key as one encoded segment and a bearer header", async (name, route) => {
    const { client, requests } = setup();
    const { response } = await client.POST(route, path("orders/eu"));
    expect(response.status).toBe(200);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe("POST");
    expect(request?.url.href).toBe(`${DEFAULT_BASE_URL}/v2/flowControl/orders%2Feu/${name}`);
    expect(request?.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
    expect(request?.body).toBe("");
  });

  test("pin sends integers as query parameters", async () => {
    const { client, requests } = setup();
    await client.POST("/v2/flowControl/{flowControlKey}/pin", {
      params: { path: { flowControlKey: "k" }, query: { parallelism: 3, rate: 10, period: 60 } },
    });
    expect(requests[0]?.url.pathname).toBe("/v2/flowControl/k/pin");
    expect(Object.fromEntries(requests[0]?.url.searchParams ?? [])).toEqual({
      parallelism: "3",
      rate: "10",
      period: "60",
    });
  });

  test("unpin sends boolean flags and nothing for omitted ones", async () => {
    const { client, requests } = setup();
    await client.POST("/v2/flowControl/{flowControlKey}/unpin", {
      params: { path: { flowControlKey: "k" }, query: { parallelism: true } },
    });
    expect(requests[0]?.url.search).toBe("?parallelism=true");
  });

  test("list, get and globalParallelism are GETs on their routes", async () => {
    const { client, requests } = setup();
    await client.GET("/v2/flowControl");
    await client.GET("/v2/flowControl/{flowControlKey}", path("a b"));
    await client.GET("/v2/globalParallelism");
    expect(requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      "GET /v2/flowControl",
      "GET /v2/flowControl/a%20b",
      "GET /v2/globalParallelism",
    ]);
  });
});

describe("createQStashClient: base URL and auth", () => {
  test.each([
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080/v2/globalParallelism"],
    ["http://127.0.0.1:8080/", "http://127.0.0.1:8080/v2/globalParallelism"],
    ["https://proxy.internal/qstash//", "https://proxy.internal/qstash/v2/globalParallelism"],
  ])("baseUrl %s", async (baseUrl, expected) => {
    const { client, requests } = setup({ baseUrl });
    await client.GET("/v2/globalParallelism");
    expect(requests[0]?.url.href).toBe(expected);
  });

  test.each([
    ["eu-central-1", "https://qstash-eu-central-1.upstash.io/v2/flowControl"],
    ["us-east-1", "https://qstash-us-east-1.upstash.io/v2/flowControl"],
  ] as const)("region %s", async (region, expected) => {
    const { client, requests } = setup({ region });
    await client.GET("/v2/flowControl");
    expect(requests[0]?.url.href).toBe(expected);
  });

  test("the query auth scheme is opt-in and sends no Authorization header", async () => {
    const { client, requests } = setup({ authScheme: "query" });
    await client.POST("/v2/flowControl/{flowControlKey}/pin", {
      params: { path: { flowControlKey: "k" }, query: { rate: 5 } },
    });
    expect(requests[0]?.headers.get("authorization")).toBeNull();
    expect(requests[0]?.url.searchParams.get("qstash_token")).toBe(TOKEN);
    expect(requests[0]?.url.searchParams.get("rate")).toBe("5");
  });

  test.each([
    [{ token: "" }, /token/],
    [{ token: "t", baseUrl: "ftp://x" }, /http/],
    [{ token: "t", baseUrl: "not a url" }, /absolute/],
    [{ token: "t", baseUrl: "https://x?token=1" }, /query/],
    [{ token: "t", region: "mars-1" }, /region/],
    [{ token: "t", region: "us-east-1", baseUrl: "https://x" }, /not both/],
    [{ token: "t", authScheme: "cookie" }, /authScheme/],
    [{ token: "t", maxRetries: -1 }, /maxRetries/],
    [{ token: "t", timeout: 0 }, /timeout/],
  ])("bad options %j throw ValidationError", (options, message) => {
    expect(() => createQStashClient(options as never)).toThrow(ValidationError);
    expect(() => createQStashClient(options as never)).toThrow(message);
  });
});

describe("createQStashClient: results", () => {
  test("an error status resolves with the parsed error body, never throws", async () => {
    const { fetch } = handlerFetch(() => json({ error: "key not found" }, { status: 404 }));
    const client = createQStashClient({ token: TOKEN, fetch });
    const { data, error, response } = await client.GET("/v2/flowControl/{flowControlKey}", path("x"));
    expect(data).toBeUndefined();
    expect(error).toEqual({ error: "key not found" });
    expect(response.status).toBe(404);
  });

  test("an unsafe key is refused before anything is sent", async () => {
    const { client, requests } = setup();
    for (const key of ["", ".", "..", "%2e%2E", "a\nb"]) {
      await expect(client.POST("/v2/flowControl/{flowControlKey}/pause", path(key))).rejects.toThrow(ValidationError);
    }
    expect(requests).toHaveLength(0);
  });

  test.each([
    ["NaN", { parallelism: Number.NaN }, /query parameter parallelism must be a string, a finite number or a boolean/],
    ["Infinity", { rate: Number.POSITIVE_INFINITY }, /query parameter rate must be/],
    ["an object", { period: { seconds: 5 } }, /query parameter period must be/],
    ["a query that is not an object", "rate=5", /query must be an object/],
    ["a null query", null, /query must be an object/],
    ["a query that is a list", [["rate", 5]], /query must be an object/],
  ])("a query value that is %s is refused before anything is sent", async (_, query, message) => {
    const { client, requests } = setup();
    const call = client.POST("/v2/flowControl/{flowControlKey}/pin", {
      params: { path: { flowControlKey: "k" }, query: query as never },
    });
    await expect(call).rejects.toThrow(ValidationError);
    await expect(call).rejects.toThrow(message);
    expect(requests).toHaveLength(0);
  });

  test("a signal that is not an AbortSignal is refused before anything is sent", async () => {
    const { client, requests } = setup();
    const call = client.POST("/v2/flowControl/{flowControlKey}/pause", { ...path("k"), signal: "soon" as never });
    await expect(call).rejects.toThrow(ValidationError);
    await expect(call).rejects.toThrow(/signal must be an AbortSignal/);
    expect(requests).toHaveLength(0);
  });

  test("a bad per-call policy is refused before anything is sent", async () => {
    const { client, requests } = setup();
    await expect(
      client.POST("/v2/flowControl/{flowControlKey}/pause", { ...path("k"), maxRetries: 1.5 }),
    ).rejects.toThrow(ValidationError);
    expect(requests).toHaveLength(0);
  });

  test("the response is the one received, its headers as the server sent them", async () => {
    const { fetch } = handlerFetch(
      () => new Response(null, { headers: { "content-length": "0", "x-echo": `t=${TOKEN}` } }),
    );
    const client = createQStashClient({ token: TOKEN, fetch });
    const { response } = await client.POST("/v2/flowControl/{flowControlKey}/pause", path("k"));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-echo")).toBe(`t=${TOKEN}`);
    const received = json({ parallelismMax: 1 }, { headers: { "x-id": "abc" } });
    const clean = handlerFetch(() => received);
    const fast = await createQStashClient({ token: TOKEN, fetch: clean.fetch }).GET("/v2/globalParallelism");
    expect(fast.response).toBe(received);
    expect(fast.data).toEqual({ parallelismMax: 1 });
  });

  test("with the query auth scheme, the response handed back has no token in its URL", async () => {
    // A real fetch's response keeps the request URL, query (and so the token) included.
    const { fetch } = handlerFetch((request) =>
      Object.defineProperty(new Response(null, { headers: { "content-length": "0" } }), "url", {
        value: request.url.href,
        configurable: true,
      }),
    );
    const client = createQStashClient({ token: TOKEN, fetch, authScheme: "query" });
    const { response } = await client.POST("/v2/flowControl/{flowControlKey}/pause", path("k"));
    expect(response.status).toBe(200);
    expect(response.url).not.toContain(TOKEN);
    const withHeader = createQStashClient({ token: TOKEN, fetch });
    const kept = await withHeader.POST("/v2/flowControl/{flowControlKey}/pause", path("k"));
    expect(kept.response.url).toBe(`${DEFAULT_BASE_URL}/v2/flowControl/k/pause`);
  });

  test("an empty body without a length (chunked) still parses as no data", async () => {
    const { fetch } = handlerFetch(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.close();
            },
          }),
          { status: 200 },
        ),
    );
    const client = createQStashClient({ token: TOKEN, fetch });
    const { data, error, response } = await client.GET("/v2/globalParallelism");
    expect(response.status).toBe(200);
    expect(data).toBeUndefined();
    expect(error).toBeUndefined();
  });
});

describe("createQStashClient: what a call may change", () => {
  test.each([
    [404, "Not Found", { error: "Not Found" }],
    [500, "", { error: "HTTP 500" }],
  ])("an empty %i still resolves with error set, in the API's error shape", async (status, statusText, expected) => {
    const { fetch } = handlerFetch(() => new Response(null, { status, statusText }));
    const client = createQStashClient({ token: TOKEN, fetch, maxRetries: 0 });
    const { data, error, response } = await client.GET("/v2/flowControl/{flowControlKey}", path("k"));
    expect(response.status).toBe(status);
    expect(data).toBeUndefined();
    expect(error).toEqual(expected);
  });

  test("a success whose body is not JSON resolves with its text as data, not a SyntaxError", async () => {
    const { fetch } = handlerFetch(() => new Response("OK", { headers: { "content-type": "text/plain" } }));
    const client = createQStashClient({ token: TOKEN, fetch });
    const { data, error } = await client.POST("/v2/flowControl/{flowControlKey}/pause", path("k"));
    expect(data).toBe("OK");
    expect(error).toBeUndefined();
    const asText = await client.GET("/v2/globalParallelism", { parseAs: "text" });
    expect(asText.data).toBe("OK");
    const jsonBody = handlerFetch(() => json({ parallelismMax: 5 }));
    const parsed = await createQStashClient({ token: TOKEN, fetch: jsonBody.fetch }).GET("/v2/globalParallelism");
    expect(parsed.data).toEqual({ parallelismMax: 5 });
  });

  test.each([
    ["a query", "https://qstash.test/?"],
    ["a fragment", "https://qstash.test/#"],
    ["another protocol", "ftp://qstash.test"],
    ["credentials", "https://user:pw@qstash.test"],
    ["a relative URL", "/v2"],
  ])("a call's own baseUrl with %s is refused before anything is sent", async (_, baseUrl) => {
    const { client, requests } = setup();
    const call = client.POST("/v2/flowControl/{flowControlKey}/pause", { ...path("k"), baseUrl });
    await expect(call).rejects.toThrow(ValidationError);
    await expect(call).rejects.toThrow(/baseUrl must be/);
    expect(requests).toHaveLength(0);
  });

  test("a call's own valid baseUrl is used, trailing slashes dropped", async () => {
    const { client, requests } = setup();
    await client.POST("/v2/flowControl/{flowControlKey}/pause", { ...path("k"), baseUrl: "http://127.0.0.1:9/q//" });
    expect(requests[0]?.url.href).toBe("http://127.0.0.1:9/q/v2/flowControl/k/pause");
  });

  test.each([
    ["another token", { headers: { Authorization: "Bearer OTHER" } }],
    ["no token at all", { headers: { authorization: null } }],
    [
      "another token as a header parameter",
      { params: { path: { flowControlKey: "k" }, header: { AUTHORIZATION: "x" } } },
    ],
    ["a Headers object", { headers: new Headers({ authorization: "Bearer OTHER" }) }],
  ])("a call's headers may not set Authorization with the header scheme: %s", async (_, init) => {
    const { client, requests } = setup();
    const call = client.POST("/v2/flowControl/{flowControlKey}/pause", { ...path("k"), ...(init as object) });
    await expect(call).rejects.toThrow(ValidationError);
    await expect(call).rejects.toThrow(/must not set Authorization/);
    expect(requests).toHaveLength(0);
  });

  test.each([
    ["a Content-Length the body does not have", { body: { parallelism: 1 }, headers: { "Content-Length": "2" } }],
    ["a Transfer-Encoding", { body: { parallelism: 1 }, headers: { "transfer-encoding": "chunked" } }],
    ["Keep-Alive in a Headers object", { headers: new Headers({ "keep-alive": "timeout=5" }) }],
    ["Upgrade as a list of pairs", { headers: [["Upgrade", "websocket"]] }],
    ["Expect as a header parameter", { params: { path: { flowControlKey: "k" }, header: { expect: "100-continue" } } }],
    // openapi-fetch would send the null item as the text "null".
    ["a Content-Length list holding null", { headers: { "Content-Length": [null] } }],
  ])("a call's headers may not frame the request: %s", async (_, init) => {
    const { client, requests } = setup();
    const call = client.POST("/v2/flowControl/{flowControlKey}/pin", { ...path("k"), ...(init as object) } as never);
    await expect(call).rejects.toThrow(ValidationError);
    await expect(call).rejects.toThrow(
      /headers must not set (Content-Length|transfer-encoding|keep-alive|Upgrade|expect): the client frames/,
    );
    expect(requests).toHaveLength(0);
  });

  test.each([
    ["GET", null],
    ["GET", { a: 1 }],
    ["HEAD", ""],
  ] as const)("a %s with a body (%j) is a ValidationError, and nothing is sent", async (method, body) => {
    const { client, requests } = setup();
    const call = (client[method] as (path: string, init: object) => Promise<unknown>)("/v2/flowControl", { body });
    await expect(call).rejects.toThrow(ValidationError);
    await expect(call).rejects.toThrow(`a ${method} request cannot have a body`);
    expect(requests).toHaveLength(0);
  });

  test("a framing header that middleware sets is refused too, and nothing is sent", async () => {
    const { client, requests } = setup();
    client.use({
      onRequest({ request }) {
        request.headers.set("Content-Length", "2");
        return request;
      },
    });
    const call = client.POST("/v2/flowControl/{flowControlKey}/pin", {
      ...path("k"),
      body: { parallelism: 1 },
    } as never);
    await expect(call).rejects.toThrow(ValidationError);
    await expect(call).rejects.toThrow(/headers must not set content-length: the client frames each request itself/);
    expect(requests).toHaveLength(0);
  });

  test("a header name no header can have is a ValidationError, not the platform's TypeError", async () => {
    const { client, requests } = setup();
    const call = client.POST("/v2/flowControl/{flowControlKey}/pause", {
      ...path("k"),
      headers: [[Symbol("x"), "v"]] as never,
    });
    await expect(call).rejects.toThrow(/headers must hold valid header names and values/);
    expect(requests).toHaveLength(0);
  });

  test("a framing header left unset (null) is no header at all, and Connection stays the caller's", async () => {
    const { client, requests } = setup();
    await client.POST("/v2/flowControl/{flowControlKey}/pause", {
      ...path("k"),
      headers: { "content-length": null, connection: "close" } as never,
    });
    expect(requests[0]?.headers.get("content-length")).toBeNull();
    expect(requests[0]?.headers.get("connection")).toBe("close");
  });

  test("a call's headers are checked, and sent when valid; with the query scheme Authorization is the caller's", async () => {
    const { client, requests } = setup();
    const bad = client.POST("/v2/flowControl/{flowControlKey}/pause", {
      ...path("k"),
      headers: { "x-a": "line\nbreak" },
    });
    await expect(bad).rejects.toThrow(/headers must hold valid header names and values/);
    expect(requests).toHaveLength(0);
    await client.POST("/v2/flowControl/{flowControlKey}/pause", { ...path("k"), headers: { "x-trace": "abc" } });
    expect(requests[0]?.headers.get("x-trace")).toBe("abc");
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
    const query = setup({ authScheme: "query" });
    await query.client.GET("/v2/flowControl", { headers: { Authorization: "Basic proxy" } });
    expect(query.requests[0]?.headers.get("authorization")).toBe("Basic proxy");
  });

  test("a call's own pathSerializer cannot skip the key checks", async () => {
    const { client, requests } = setup();
    const call = client.POST("/v2/flowControl/{flowControlKey}/pause", {
      ...path(".."),
      pathSerializer: (template: string, values: Record<string, string>) =>
        template.replace("{flowControlKey}", values.flowControlKey ?? ""),
    } as never);
    await expect(call).rejects.toThrow(ValidationError);
    expect(requests).toHaveLength(0);
  });

  test("request() with a method HTTP has no route for rejects with ValidationError", async () => {
    const { client, requests } = setup();
    const call = (client.request as (m: string, u: string) => Promise<unknown>)("connect", "/v2/flowControl");
    expect(call).toBeInstanceOf(Promise);
    await expect(call).rejects.toThrow(ValidationError);
    await expect(call).rejects.toThrow(/method must be one of GET, PUT, POST/);
    await expect((client.request as (m: unknown, u: string) => Promise<unknown>)(5, "/")).rejects.toThrow(
      ValidationError,
    );
    const { response } = await client.request("get", "/v2/flowControl");
    expect(response.status).toBe(200);
    expect(requests).toHaveLength(1);
  });

  test.each([
    [
      "TRACE, which fetch refuses",
      (client: Client) => (client.TRACE as (u: string) => Promise<unknown>)("/v2/flowControl"),
    ],
    ["a middleware that is not a list", (client: Client) => client.GET("/v2/flowControl", { middleware: {} } as never)],
    ["a middleware of null", (client: Client) => client.GET("/v2/flowControl", { middleware: null } as never)],
    [
      "a way to parse openapi-fetch has not",
      (client: Client) => client.GET("/v2/flowControl", { parseAs: "JSON" } as never),
    ],
  ])("%s rejects with ValidationError, nothing sent", async (_, call) => {
    const { client, requests } = setup();
    await expect(call(client)).rejects.toThrow(ValidationError);
    expect(requests).toHaveLength(0);
  });

  test("null options are none, as openapi-fetch takes them", async () => {
    const { client, requests } = setup();
    const { data } = await client.GET("/v2/flowControl", null as never);
    expect(data).toEqual([]);
    expect(requests).toHaveLength(1);
  });
});

test("RequestInit fields a call sets (redirect, cache, ...) reach fetch; unset ones are not invented, redirects are not followed", async () => {
  const inits: RequestInit[] = [];
  const fetch = async (_: string | URL | Request, init?: RequestInit) => {
    inits.push(init ?? {});
    return new Response(null, { headers: { "content-length": "0" } });
  };
  const client = createQStashClient({ token: TOKEN, fetch });
  await client.POST("/v2/flowControl/{flowControlKey}/pause", { ...path("k"), redirect: "error", cache: "no-store" });
  await client.POST("/v2/flowControl/{flowControlKey}/pause", path("k"));
  expect(inits[0]).toMatchObject({ redirect: "error", cache: "no-store" });
  for (const name of ["credentials", "mode", "keepalive", "referrer"]) expect(inits[0]).not.toHaveProperty(name);
  expect(inits[1]?.redirect).toBe("manual");
  expect(inits[1]).not.toHaveProperty("cache");
});

test("openapi-fetch middleware sees each request and the response received", async () => {
  const { client, requests } = setup();
  const statuses: number[] = [];
  client.use({
    onRequest: ({ request }) => {
      // The platform's own: a middleware may read, change or replace it.
      expect(request).toBeInstanceOf(Request);
      expect(request.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
      request.headers.set("x-trace", "t-1");
      return request;
    },
    onResponse: ({ response }) => {
      statuses.push(response.status);
    },
  });
  await client.POST("/v2/flowControl/{flowControlKey}/pause", path("k"));
  expect(requests[0]?.headers.get("x-trace")).toBe("t-1");
  expect(statuses).toEqual([200]);
});

test("a middleware given per call, or registered and then ejected, applies exactly while it is there", async () => {
  const { client, requests } = setup();
  const seen: unknown[] = [];
  const middleware = {
    onRequest: ({ request }: { request: Request }) => {
      seen.push(request);
      request.headers.set("x-trace", "t-2");
      return request;
    },
  };
  await client.POST("/v2/flowControl/{flowControlKey}/pause", { ...path("k"), middleware: [middleware] });
  client.use(middleware);
  await client.POST("/v2/flowControl/{flowControlKey}/pause", path("k"));
  client.eject(middleware);
  await client.POST("/v2/flowControl/{flowControlKey}/pause", path("k"));
  expect(seen).toHaveLength(2);
  for (const request of seen) expect(request).toBeInstanceOf(Request);
  expect(requests.map((request) => request.headers.get("x-trace"))).toEqual(["t-2", "t-2", null]);
  // Every request carries the client's headers, with or without a middleware.
  for (const request of requests) expect(request.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
});

test("a fetch of the caller's gets a Headers of its own on every call, never the client's shared one", async () => {
  const seen: unknown[] = [];
  const before: (string | null)[] = [];
  const client = createQStashClient({
    token: TOKEN,
    baseUrl: "http://local.test",
    fetch: async (_input, init) => {
      seen.push(init?.headers);
      // A fetch that changes what it is given must not change the next call.
      const headers = new Headers(init?.headers);
      before.push(headers.get("x-call"));
      if (init?.headers instanceof Headers) init.headers.set("x-call", String(seen.length));
      else if (init?.headers) (init.headers as Record<string, string>)["x-call"] = String(seen.length);
      return new Response(null, { status: 200 });
    },
  });
  await client.POST("/v2/flowControl/{flowControlKey}/pause", path("k"));
  await client.POST("/v2/flowControl/{flowControlKey}/pause", path("k"));
  expect(before).toEqual([null, null]);
  for (const headers of seen) expect(headers).toBeInstanceOf(Headers);
  expect(seen[0]).not.toBe(seen[1]);
});
