// Operations that must not run twice: retried only after a 429, which did nothing.
import { handlerFetch, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createQStashClient } from "../client.js";
import { ConnectionError, InternalServerError, RateLimitError, TimeoutError } from "../errors.js";
import { createQStashTransport } from "../transport.js";
import { surface } from "@qstash-flow/test-utils";
import { isIdempotent } from "./idempotent.js";

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
    const operations = Object.entries(surface().paths as Record<string, object>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => [method, path] as const),
    );
    const once = operations.filter(([method, path]) => !isIdempotent(method, path)).map((op) => op.join(" "));
    expect(once.sort()).toEqual([
      "delete /v2/dlq",
      "delete /v2/messages",
      "delete /v2/messages/{messageId}",
      "post /v2/dlq/retry",
    ]);
    expect(operations.length - once.length).toBe(10);
    // Routes upstream has outside the selection, alike: one dead letter's retry and delete.
    expect(isIdempotent("POST", "/v2/dlq/retry/{dlqId}")).toBe(false);
    expect(isIdempotent("DELETE", "/v2/dlq/{dlqId}")).toBe(false);
    expect(isIdempotent("GET", "/v2/dlqs")).toBe(true);
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

  test("any connection error, even one before sending, is not retried", async () => {
    const { transport, requests } = scripted(["refused", 200]);
    const error = await settle(transport.request("delete", "/v2/messages", { query: { flowControlKey: ["k"] } }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(requests).toHaveLength(1);
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
});
