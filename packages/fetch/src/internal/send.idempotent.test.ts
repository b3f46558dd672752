// Operations that must not run twice: retried only when the request surely did not arrive.
import { freePort, handlerFetch, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createQStashClient } from "../client.js";
import { ConnectionError, InternalServerError, RateLimitError, TimeoutError } from "../errors.js";
import { createQStashTransport } from "../transport.js";
import { isIdempotent, notIdempotentOperations } from "./idempotent.js";
import { neverConnected } from "./send.js";

type Answer = number | "drop" | "refused" | "hang";

function scripted(answers: Answer[]) {
  const mock = handlerFetch((_request, attempt) => {
    const answer = answers[Math.min(attempt, answers.length) - 1] as Answer;
    if (answer === "drop") throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
    if (answer === "refused") throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    if (answer === "hang") return new Promise<Response>(() => {});
    return new Response(answer === 200 ? '{"cancelled":1}' : null, { status: answer });
  });
  const options = { token: "test-token", fetch: mock.fetch, timeout: 1_000 };
  return { client: createQStashClient(options), transport: createQStashTransport(options), requests: mock.requests };
}

async function settle<T>(call: Promise<T>): Promise<T | unknown> {
  const outcome = call.then(
    (value) => value,
    (error: unknown) => error,
  );
  await vi.runAllTimersAsync();
  return outcome;
}

const CANCEL = { params: { query: { flowControlKey: ["k"] } } };

describe("with fake timers", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("the surface's non-idempotent operations are the bulk actions and the single cancel", () => {
    expect(notIdempotentOperations().sort()).toEqual([
      "DELETE /v2/dlq",
      "DELETE /v2/messages",
      "DELETE /v2/messages/{messageId}",
      "POST /v2/dlq/retry",
    ]);
    expect(isIdempotent("post", "/v2/flowControl/{flowControlKey}/pause")).toBe(true);
    expect(isIdempotent("get", "/v2/dlq")).toBe(true);
    expect(isIdempotent("delete", "/v2/dlq")).toBe(false);
  });

  test("a 5xx after a bulk cancel is not sent again: it may have been done", async () => {
    const { client, transport, requests } = scripted([503]);
    const result = (await settle(client.DELETE("/v2/messages", CANCEL))) as { response: Response };
    expect(result.response.status).toBe(503);
    expect(requests).toHaveLength(1);
    const error = await settle(transport.request("delete", "/v2/messages", { query: { flowControlKey: ["k"] } }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(2);
  });

  test("a 429 was refused before any work: retried", async () => {
    const { client, requests } = scripted([429, 429, 200]);
    const result = (await settle(client.POST("/v2/dlq/retry", CANCEL))) as { response: Response };
    expect(result.response.status).toBe(200);
    expect(requests).toHaveLength(3);
  });

  test("a 429 on every attempt still ends in RateLimitError", async () => {
    const { transport, requests } = scripted([429]);
    const error = await settle(transport.request("delete", "/v2/dlq", { query: { flowControlKey: ["k"] } }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(requests).toHaveLength(3);
  });

  test("a connection lost after sending is not retried, and the error says why", async () => {
    const { transport, requests } = scripted(["drop", 200]);
    const error = await settle(transport.request("post", "/v2/dlq/retry", { query: { flowControlKey: ["k"] } }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain("1 attempt; not retried, as it may have arrived");
    expect(requests).toHaveLength(1);
  });

  test("a connection never made is retried", async () => {
    const { transport, requests } = scripted(["refused", "refused", 200]);
    const result = await settle(transport.request("delete", "/v2/messages", { query: { flowControlKey: ["k"] } }));
    expect(result).toEqual({ cancelled: 1 });
    expect(requests).toHaveLength(3);
  });

  test("a timeout is not retried", async () => {
    const { transport, requests } = scripted(["hang", 200]);
    const error = await settle(transport.request("delete", "/v2/dlq", { query: { flowControlKey: ["k"] } }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain("not retried, as it may have arrived");
    expect(requests).toHaveLength(1);
  });

  test("idempotent operations keep their retries on 5xx and lost connections", async () => {
    const { transport, requests } = scripted([503, "drop", 200]);
    const result = await settle(transport.request("get", "/v2/dlq", { query: { count: 100 } }));
    expect(result).toEqual({ cancelled: 1 });
    expect(requests).toHaveLength(3);
  });
});

describe("over node:http", () => {
  test("a request that reached the server and lost its connection arrives exactly once", async () => {
    const server = await startLoopbackServer((_request, response) => {
      response.socket?.destroy();
    });
    try {
      const transport = createQStashTransport({ token: "t", baseUrl: server.url, maxRetries: 1 });
      await expect(transport.request("post", "/v2/dlq/retry", { query: { flowControlKey: ["k"] } })).rejects.toThrow(
        ConnectionError,
      );
      expect(server.requests).toHaveLength(1);
      // The same loss on an idempotent call is retried.
      await expect(transport.request("get", "/v2/dlq")).rejects.toThrow(ConnectionError);
      expect(server.requests).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  test("node's refused connection is recognised as never made", async () => {
    const port = await freePort();
    const transport = createQStashTransport({ token: "t", baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const error = await transport.request("delete", "/v2/dlq").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(neverConnected((error as Error).cause)).toBe(true);
    expect(neverConnected(new Error("socket hang up"))).toBe(false);
  });
});
