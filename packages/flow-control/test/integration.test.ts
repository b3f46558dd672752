// The wrapper against a real HTTP server on 127.0.0.1: real sockets, real encoding,
// real status codes. The server keeps a little state so results can be checked.
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConnectionError, FlowControl, NotFoundError, RateLimitError } from "../src/index.ts";

const TOKEN = "integration-token";
let server: LoopbackServer;
let flow: FlowControl;
const paused = new Set<string>();

beforeAll(async () => {
  server = await startLoopbackServer((request, response) => {
    const send = (status: number, body?: unknown) => {
      response.statusCode = status;
      if (body !== undefined) response.setHeader("content-type", "application/json");
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: "unauthorized" });
    const url = new URL(request.rawUrl, "http://x");
    const match = /^\/v2\/flowControl\/([^/]+)(?:\/(\w+))?$/.exec(url.pathname);
    if (request.method === "GET" && url.pathname === "/v2/flowControl") {
      return send(
        200,
        [...paused].map((flowControlKey) => ({ flowControlKey, isPaused: true })),
      );
    }
    if (request.method === "GET" && url.pathname === "/v2/globalParallelism") {
      return send(200, { parallelismMax: 1000, parallelismCount: 3 });
    }
    if (!match) return send(404, { error: "no route" });
    const key = decodeURIComponent(match[1] as string);
    if (key === "limited") {
      response.setHeader("Burst-RateLimit-Limit", "100");
      response.setHeader("Burst-RateLimit-Remaining", "0");
      response.setHeader("Burst-RateLimit-Reset", "1700000000");
      return send(429, { error: "too many requests" });
    }
    if (request.method === "GET" && !match[2]) {
      return paused.has(key)
        ? send(200, { flowControlKey: key, isPaused: true, waitListSize: 2 })
        : send(404, { error: "flow control key not found" });
    }
    if (request.method === "POST" && match[2] === "pause") paused.add(key);
    if (request.method === "POST" && match[2] === "resume") paused.delete(key);
    return send(200);
  });
  flow = new FlowControl({ token: TOKEN, baseUrl: server.url, maxRetries: 0 });
});

afterAll(() => server.close());

describe("FlowControl over real HTTP", () => {
  test("pause, get, list, resume round-trip with an awkward key", async () => {
    const key = "tenant/42 ü?#";
    await flow.pause(key);
    expect(server.requests.at(-1)?.rawUrl).toBe("/v2/flowControl/tenant%2F42%20%C3%BC%3F%23/pause");
    const info = await flow.get(key);
    expect(info).toMatchObject({ flowControlKey: key, isPaused: true, waitListSize: 2, parallelismCount: 0 });
    expect((await flow.list()).map((k) => k.flowControlKey)).toContain(key);
    await flow.resume(key);
    await expect(flow.get(key)).rejects.toBeInstanceOf(NotFoundError);
  });

  test("pin, unpin and resetRate reach their routes with their query strings", async () => {
    await flow.pin("k", { parallelism: 2, period: "1m" });
    expect(server.requests.at(-1)?.rawUrl).toBe("/v2/flowControl/k/pin?parallelism=2&period=60");
    await flow.unpin("k", { parallelism: true });
    expect(server.requests.at(-1)?.rawUrl).toBe("/v2/flowControl/k/unpin?parallelism=true");
    await flow.resetRate("k");
    expect(server.requests.at(-1)).toMatchObject({ method: "POST", rawUrl: "/v2/flowControl/k/resetRate" });
  });

  test("getGlobalParallelism", async () => {
    expect(await flow.getGlobalParallelism()).toEqual({ parallelismMax: 1000, parallelismCount: 3 });
  });

  test("a 429 carries the rate-limit headers as numbers", async () => {
    const error = (await flow.pause("limited").catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect([error.limit, error.remaining, error.reset]).toEqual([100, 0, 1700000000]);
  });

  test("a wrong token is an AuthenticationError that does not show the token", async () => {
    const wrong = new FlowControl({ token: "wrong-secret-token", baseUrl: server.url, maxRetries: 0 });
    const error = (await wrong.pause("k").catch((e: unknown) => e)) as Error;
    expect(error.name).toBe("AuthenticationError");
    expect(`${error.message}${error.stack}${JSON.stringify(error)}`).not.toContain("wrong-secret-token");
  });

  test("a closed port is a ConnectionError naming the operation and key", async () => {
    const closed = await startLoopbackServer(() => {});
    await closed.close();
    const offline = new FlowControl({ token: TOKEN, baseUrl: closed.url, maxRetries: 0 });
    const error = (await offline.resume("k").catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/^QStash resume for key "k" failed: connection failed/);
    expect(error.cause).toBeDefined();
  });
});
