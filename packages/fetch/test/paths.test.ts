// One suite, two carriers: without a `fetch` option Node sends over node:http, with one
// it sends through that fetch. Both must behave the same against a real server on
// 127.0.0.1: retries, timeouts, aborts, redaction, errors, redirects and key encoding.
// No verdict depends on the machine's speed: each test waits for the events it checks.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type LoopbackServer, startLoopbackServer, waitUntil } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  AbortError,
  APIError,
  BadRequestError,
  ConnectionError,
  createQStashClient,
  createQStashTransport,
  NotFoundError,
  type QStashClientOptions,
  RateLimitError,
  TimeoutError,
} from "../src/index.ts";
import pkg from "../package.json" with { type: "json" };

const TOKEN = "paths-Secret-Token-0042";
/** The User-Agent each carrier sends: Node's fetch its own, node:http the package's. */
const agentOf = (carrier: string) => (carrier === "fetch" ? "node" : `qstash-flow-fetch/${pkg.version}`);
let server: LoopbackServer;
let refusedUrl: string;

// The route's last segment says how to answer; the attempt number comes from the server's log.
beforeAll(async () => {
  server = await startLoopbackServer((request, response) => {
    const [path = ""] = request.rawUrl.split("?");
    const action = path.split("/").at(-1);
    const attempts = server.requests.filter((r) => r.rawUrl === request.rawUrl).length;
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
    };
    if (action?.startsWith("silent")) return;
    if (action === "half-body") {
      response.writeHead(200, { "content-length": "100" }).write('{"flowControlKey":');
      return;
    }
    if (action === "flaky") return attempts === 1 ? send(503, "", { "retry-after": "0" }) : send(200, '{"ok":1}');
    if (action === "empty") return send(200, "");
    if (path.endsWith("/body/pin")) {
      const { method, body } = request;
      return send(200, JSON.stringify({ method, body, type: request.headers["content-type"] }));
    }
    if (action === "bad") return send(400, '{"error":"parallelism must be positive"}');
    if (action === "missing") return send(404, '{"error":"flowControlKey not found"}');
    if (action === "echo") return send(401, JSON.stringify({ error: `bad token ${TOKEN}` }), { "x-echo": TOKEN });
    if (action === "moved") return send(302, "", { location: "https://elsewhere.example/login" });
    if (action === "limited") return send(429, '{"error":"slow down"}', { "retry-after": "3600" });
    if (action === "shout") return send(500, JSON.stringify({ error: "\u001b[2J\u202egnp.exe" }), {});
    if (action === "unicode") {
      // Split inside a multi-byte character: the text must still come out whole.
      const bytes = Buffer.from('{"flowControlKey":"ключ-🔑"}');
      response.writeHead(200, { "content-type": "application/json" });
      response.write(bytes.subarray(0, 22));
      setImmediate(() => response.end(bytes.subarray(22)));
      return;
    }
    return send(200, JSON.stringify({ seen: request.rawUrl, agent: request.headers["user-agent"] ?? null }));
  });
  const refused = await startLoopbackServer(() => {});
  refusedUrl = refused.url;
  await refused.close();
});
afterAll(() => server.close());

/**
 * Starts a call the server never answers, aborts it once the server has it, and checks
 * that it rejects with AbortError carrying the reason and that its connection goes.
 */
async function abortOnceSent(key: string, start: (signal: AbortSignal) => Promise<unknown>) {
  const controller = new AbortController();
  const pending = start(controller.signal).catch((error: unknown) => error);
  await waitUntil(() => server.requests.some((r) => r.rawUrl.includes(key)), `the server to receive ${key}`);
  controller.abort(new Error("operator cancelled"));
  const error = (await pending) as AbortError;
  expect(error).toBeInstanceOf(AbortError);
  expect(error.cause).toEqual(new Error("operator cancelled"));
  await waitUntil(() => server.unansweredConnections() === 0, "the abandoned connections to close");
}

const CARRIERS: [string, Partial<QStashClientOptions>][] = [
  ["node:http", {}],
  ["fetch", { fetch: (input, init) => globalThis.fetch(input, init) }],
];

describe.each(CARRIERS)("sent over %s", (carrier, extra) => {
  const transport = (options: Partial<QStashClientOptions> = {}) =>
    createQStashTransport({ token: TOKEN, baseUrl: server.url, maxRetries: 0, ...extra, ...options });
  const call = (key: string, options: Partial<QStashClientOptions> = {}, signal?: AbortSignal) =>
    transport(options)
      .request("get", "/v2/flowControl/{flowControlKey}", { path: { flowControlKey: key } }, { signal })
      .catch((error: unknown) => error);

  test("it is the carrier it says: fetch sends its user-agent, node:http the package's", async () => {
    const body = (await call("who")) as { agent: string | null };
    expect(body.agent).toBe(agentOf(carrier));
  });

  test("a key is one encoded segment, on the wire as encoded", async () => {
    const body = (await call("a/b?c#d %")) as { seen: string };
    expect(body.seen).toBe("/v2/flowControl/a%2Fb%3Fc%23d%20%25");
  });

  test("a body split inside a character comes out whole", async () => {
    expect(await call("unicode")).toEqual({ flowControlKey: "ключ-🔑" });
  });

  test("a 503 is retried (after the server's Retry-After) and the retry's answer is the result", async () => {
    expect(await call("flaky", { maxRetries: 1 })).toEqual({ ok: 1 });
  });

  test("a 400 is not retried and is a BadRequestError with the server's message", async () => {
    const before = server.requests.length;
    const error = (await call("bad", { maxRetries: 2 })) as BadRequestError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toBe("400 parallelism must be positive");
    expect(server.requests.length - before).toBe(1);
  });

  test("a 404 is a NotFoundError carrying the body as sent", async () => {
    const error = (await call("missing")) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.body).toEqual({ error: "flowControlKey not found" });
  });

  test.each(["header", "query"] as const)(
    "the token is cut from the error, never from the body (%s)",
    async (authScheme) => {
      const error = (await call("echo", { authScheme })) as APIError;
      expect(error.status).toBe(401);
      expect(error.message).toBe("401 bad token [redacted]");
      expect(error.headers.get("x-echo")).toBe("[redacted]");
      expect(error.body).toEqual({ error: `bad token ${TOKEN}` });
    },
  );

  test("a redirect is an error naming where it pointed; nothing is followed", async () => {
    const before = server.requests.length;
    const error = (await call("moved", { maxRetries: 2 })) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(302);
    expect(error.message).toBe("302 a redirect to https://elsewhere.example/login; not followed");
    expect(server.requests.length - before).toBe(1);
  });

  test("a Retry-After beyond the retry cap fails at once with RateLimitError.retryAfter in seconds", async () => {
    const before = server.requests.length;
    const error = (await call("limited", { maxRetries: 3 })) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(3600);
    expect(server.requests.length - before).toBe(1);
  });

  test("control characters of the server's text are escaped in the message", async () => {
    const error = (await call("shout")) as APIError;
    expect(error.message).toBe("500 \\u001b[2J\\u202egnp.exe");
    expect(error.serverMessage).toBe("\u001b[2J\u202egnp.exe");
  });

  test("a server that never answers: each attempt times out, and its connection is closed", async () => {
    const error = (await call("silent", { timeout: 100, maxRetries: 1 })) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe("no response within 100 ms (2 attempts)");
    // An attempt may time out before its request reaches the server; either way its connection must go.
    await waitUntil(() => server.unansweredConnections() === 0, "the abandoned connections to close");
  });

  test("the timeout covers the body: a body that stalls halfway times out", async () => {
    expect(await call("half-body", { timeout: 100 })).toBeInstanceOf(TimeoutError);
    await waitUntil(() => server.unansweredConnections() === 0, "the abandoned connections to close");
  });

  test("the caller's signal ends the call at once with AbortError and closes the connection", async () => {
    const key = `silent-${carrier.replace(":", "")}`;
    await abortOnceSent(key, (signal) => call(key, { timeout: 1_000_000 }, signal));
  });

  test("a refused connection is a ConnectionError after every attempt", async () => {
    const error = (await call("k", { baseUrl: refusedUrl, maxRetries: 1 })) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/^connection failed after 2 attempts: /);
  });

  test("an IPv6 literal in the base URL is dialled as an address, never looked up as a name", async () => {
    // Nothing listens on port 1: whether or not the machine has IPv6, the dial fails, but
    // a name lookup of "[::1]" would fail differently (ENOTFOUND).
    const error = (await call("k", { baseUrl: "http://[::1]:1" })) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(`${error.message} ${(error.cause as Error)?.cause ?? ""}`).not.toMatch(/ENOTFOUND|getaddrinfo/);
  });

  test("after a timed-out and an aborted call the process exits on its own", async () => {
    const script = `
      import { createQStashTransport } from "@qstash-flow/fetch";
      const transport = createQStashTransport({
        token: "t", baseUrl: ${JSON.stringify(server.url)}, maxRetries: 0,
        ${carrier === "fetch" ? "fetch: (input, init) => globalThis.fetch(input, init)," : ""}
      });
      const get = (key, options) => transport
        .request("get", "/v2/flowControl/{flowControlKey}", { path: { flowControlKey: key } }, options)
        .catch((error) => error.name);
      const controller = new AbortController();
      const aborted = get("silent", { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      console.log(await get("silent", { timeout: 100 }), await aborted, JSON.stringify(await get("done")));
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    // A socket or timer left behind would keep the child alive: this test's limit is the guard.
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    // The built package: its User-Agent names the version package.json had at build time.
    const done = JSON.stringify({ seen: "/v2/flowControl/done", agent: agentOf(carrier) });
    expect(output.split("\n")[0]).toBe(`TimeoutError AbortError ${done}`);
    expect(code).toBe(0);
  });
});

describe.each(CARRIERS)("the typed client, sent over %s", (carrier, extra) => {
  const client = (options: Partial<QStashClientOptions> = {}) =>
    createQStashClient({ token: TOKEN, baseUrl: server.url, maxRetries: 0, ...extra, ...options });
  const get = (key: string, options: Partial<QStashClientOptions> = {}, signal: AbortSignal | null = null) =>
    client(options).GET("/v2/flowControl/{flowControlKey}", { params: { path: { flowControlKey: key } }, signal });

  test("it is the carrier it says, and the Response is the one received, read once by openapi-fetch", async () => {
    const { data, response } = await get("who");
    expect(data).toEqual({ seen: "/v2/flowControl/who", agent: agentOf(carrier) });
    expect(response).toBeInstanceOf(Response);
    expect(response.bodyUsed).toBe(true);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.url).toBe(`${server.url}/v2/flowControl/who`);
  });

  test("with the query scheme, response.url names the request without the token", async () => {
    const { response } = await get("who", { authScheme: "query" });
    expect(response.url).toBe(`${server.url}/v2/flowControl/who?qstash_token=[redacted]`);
  });

  test("a call's body reaches the server as openapi-fetch serialised it", async () => {
    const { data } = await client().POST("/v2/flowControl/{flowControlKey}/pin", {
      params: { path: { flowControlKey: "body" }, query: { parallelism: 2 } },
      // no operation of this API takes a body; a raw call may still send one
      body: { note: "ключ" } as never,
    });
    expect(data).toEqual({ method: "POST", body: '{"note":"ключ"}', type: "application/json" });
  });

  test("an empty success resolves with no data", async () => {
    const { data, error, response } = await get("empty");
    expect([data, error, response.status]).toEqual([undefined, undefined, 200]);
    expect(response.headers.get("content-type")).toBe("application/json");
  });

  test("the timeout covers the body openapi-fetch reads", async () => {
    await expect(get("half-body", { timeout: 100 })).rejects.toBeInstanceOf(TimeoutError);
    await waitUntil(() => server.unansweredConnections() === 0, "the abandoned connections to close");
  });

  test("the caller's signal ends the call at once with AbortError", async () => {
    const key = `silent-typed-${carrier.replace(":", "")}`;
    await abortOnceSent(key, (signal) => get(key, { timeout: 1_000_000 }, signal));
  });

  test("a refused connection is a ConnectionError", async () => {
    await expect(get("k", { baseUrl: refusedUrl })).rejects.toBeInstanceOf(ConnectionError);
  });

  test("an error status resolves with the body as sent; the token is not cut from it", async () => {
    const { error, response } = await get("echo");
    expect(response.status).toBe(401);
    expect(response.headers.get("x-echo")).toBe(TOKEN);
    expect(error).toEqual({ error: `bad token ${TOKEN}` });
  });

  test("a redirect resolves with error naming where it pointed; nothing is followed", async () => {
    const before = server.requests.length;
    const { error, response } = await get("moved");
    expect(response.status).toBe(302);
    expect(error).toEqual({ error: "a redirect to https://elsewhere.example/login; not followed" });
    expect(server.requests.length - before).toBe(1);
  });

  test("a body split inside a character is parsed whole", async () => {
    const { data, response } = await get("unicode");
    expect(data).toEqual({ flowControlKey: "ключ-🔑" });
    expect(response.bodyUsed).toBe(true);
  });
});
