// The wrapper passes its last argument `{ signal, maxRetries, timeout }` through to the
// transport, for every operation, and names the operation and key in what it throws.
import { handlerFetch } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { AbortError, type CallOptions, FlowControl, RateLimitError, TimeoutError } from "../src/index.ts";

const OPERATIONS: [string, string | undefined, (flow: FlowControl, options: CallOptions) => Promise<unknown>][] = [
  ["list", undefined, (f, o) => f.list(o)],
  ["get", "k/1", (f, o) => f.get("k/1", o)],
  ["pause", "k/1", (f, o) => f.pause("k/1", o)],
  ["resume", "k/1", (f, o) => f.resume("k/1", o)],
  ["pin", "k/1", (f, o) => f.pin("k/1", { rate: 5 }, o)],
  ["unpin", "k/1", (f, o) => f.unpin("k/1", { parallelism: true }, o)],
  ["resetRate", "k/1", (f, o) => f.resetRate("k/1", o)],
  ["getGlobalParallelism", undefined, (f, o) => f.getGlobalParallelism(o)],
];

function caught(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error("expected a failure"),
    (error: unknown) => error,
  );
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, "random").mockReturnValue(0);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe.each(OPERATIONS)("%s", (operation, key, call) => {
  const named = key === undefined ? `QStash ${operation} failed` : `QStash ${operation} for key "${key}" failed`;

  test("a per-call maxRetries overrides the client's, and the last 429 is a RateLimitError", async () => {
    const mock = handlerFetch(
      () => new Response('{"error":"slow down"}', { status: 429, headers: { "Burst-RateLimit-Remaining": "0" } }),
    );
    const flow = new FlowControl({ token: "test-token", fetch: mock.fetch, maxRetries: 0 });
    const outcome = caught(call(flow, { maxRetries: 3 }));
    await vi.runAllTimersAsync();
    const error = (await outcome) as RateLimitError;
    expect(mock.requests).toHaveLength(4);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.remaining).toBe(0);
    expect(error.message).toBe(`${named}: 429 slow down`);
  });

  test("a per-call timeout applies to each attempt", async () => {
    const mock = handlerFetch(() => new Promise<Response>(() => {}));
    const flow = new FlowControl({ token: "test-token", fetch: mock.fetch, maxRetries: 1 });
    const outcome = caught(call(flow, { timeout: 50 }));
    await vi.runAllTimersAsync();
    const error = (await outcome) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(`${named}: no response within 50 ms (2 attempts)`);
    expect(mock.requests).toHaveLength(2);
  });

  test("the signal aborts a backoff wait at once; nothing more is sent", async () => {
    const mock = handlerFetch(() => new Response(null, { status: 503, headers: { "Retry-After": "30" } }));
    const flow = new FlowControl({ token: "test-token", fetch: mock.fetch });
    const controller = new AbortController();
    const outcome = caught(call(flow, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    const error = (await outcome) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.message).toMatch(new RegExp(`^${named.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(mock.requests).toHaveLength(1);
  });
});
