import { handlerFetch, json } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createQStashClient } from "../client.js";
import { AbortError, TimeoutError } from "../errors.js";

const ROUTE = "/v2/flowControl/{flowControlKey}/pause";
const KEY = { params: { path: { flowControlKey: "k" } } };
const never = () => new Promise<Response>(() => {});

function caught<T>(call: Promise<T>): Promise<T | unknown> {
  return call.then(
    (value) => value,
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

describe("timeout, per attempt", () => {
  test("each attempt gets its own timeout; after the retries the call rejects with TimeoutError", async () => {
    const times: number[] = [];
    const mock = handlerFetch(() => {
      times.push(Date.now());
      return never();
    });
    const client = createQStashClient({ token: "test-token", fetch: mock.fetch, timeout: 1000 });
    const outcome = caught(client.POST(ROUTE, KEY));
    await vi.runAllTimersAsync();
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain("1000 ms");
    expect(mock.requests).toHaveLength(3);
    expect(mock.requests.every((request) => request.signal.aborted)).toBe(true);
    // timeout, then the backoff (0.5 s, 1 s): the timer restarts for every attempt
    expect(times.slice(1).map((t, i) => t - (times[i] as number))).toEqual([1500, 2000]);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("a per-call timeout overrides the client's", async () => {
    const mock = handlerFetch(() => new Promise<Response>((done) => setTimeout(() => done(json({})), 2000)));
    const client = createQStashClient({ token: "test-token", fetch: mock.fetch, timeout: 100, maxRetries: 0 });

    const short = caught(client.GET("/v2/globalParallelism"));
    await vi.runAllTimersAsync();
    expect(await short).toBeInstanceOf(TimeoutError);

    const long = caught(client.GET("/v2/globalParallelism", { timeout: 5000 }));
    await vi.runAllTimersAsync();
    expect(((await long) as { response: Response }).response.status).toBe(200);
  });

  test("an attempt that times out is retried and may then succeed", async () => {
    const mock = handlerFetch((_request, attempt) => (attempt === 1 ? never() : json({ parallelismMax: 1 })));
    const client = createQStashClient({ token: "test-token", fetch: mock.fetch, timeout: 1000 });
    const outcome = caught(client.GET("/v2/globalParallelism"));
    await vi.runAllTimersAsync();
    expect(((await outcome) as { data: unknown }).data).toEqual({ parallelismMax: 1 });
    expect(mock.requests).toHaveLength(2);
  });

  test("a fetch that ignores its signal still times out", async () => {
    let calls = 0;
    const deaf = () => {
      calls++;
      return never();
    };
    const client = createQStashClient({ token: "test-token", fetch: deaf, timeout: 1000, maxRetries: 1 });
    const outcome = caught(client.POST(ROUTE, KEY));
    await vi.runAllTimersAsync();
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(calls).toBe(2);
  });
});

describe("the caller's signal", () => {
  test("an aborted signal sends nothing", async () => {
    const mock = handlerFetch(() => new Response(null));
    const client = createQStashClient({ token: "test-token", fetch: mock.fetch });
    const error = await caught(client.POST(ROUTE, { ...KEY, signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
    expect(mock.requests).toHaveLength(0);
  });

  test("aborting during a backoff wait rejects at once, and no later attempt is sent", async () => {
    const mock = handlerFetch(() => new Response(null, { status: 503, headers: { "Retry-After": "10" } }));
    const client = createQStashClient({ token: "test-token", fetch: mock.fetch });
    const controller = new AbortController();
    const outcome = caught(client.POST(ROUTE, { ...KEY, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(mock.requests).toHaveLength(1);

    const before = Date.now();
    controller.abort(new Error("user gave up"));
    const error = await outcome; // no timer was advanced: the wait did not run out
    expect(Date.now()).toBe(before);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).cause).toEqual(new Error("user gave up"));
    expect(vi.getTimerCount()).toBe(0);

    await vi.advanceTimersByTimeAsync(120_000);
    expect(mock.requests).toHaveLength(1);
  });

  test("aborting during an attempt rejects at once and is not retried", async () => {
    const mock = handlerFetch(never);
    const client = createQStashClient({ token: "test-token", fetch: mock.fetch });
    const controller = new AbortController();
    const outcome = caught(client.POST(ROUTE, { ...KEY, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(await outcome).toBeInstanceOf(AbortError);
    expect(mock.requests[0]?.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(mock.requests).toHaveLength(1);
  });

  test("aborting reaches a fetch that ignores its signal", async () => {
    const client = createQStashClient({ token: "test-token", fetch: never });
    const controller = new AbortController();
    const outcome = caught(client.POST(ROUTE, { ...KEY, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(await outcome).toBeInstanceOf(AbortError);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("every attempt is the same request", () => {
  test.each(["header", "query"] as const)("query, body and headers repeat exactly (auth in the %s)", async (scheme) => {
    const mock = handlerFetch((_request, attempt) => new Response(null, { status: attempt < 3 ? 500 : 200 }));
    const client = createQStashClient({ token: "test-token", fetch: mock.fetch, authScheme: scheme });
    const outcome = caught(
      client.POST("/v2/flowControl/{flowControlKey}/pin", {
        params: { path: { flowControlKey: "a/b ü" }, query: { parallelism: 3, rate: 10, period: 60 } },
        // no operation of this API takes a body; a raw call may still send one
        body: { note: "same every time", list: [1, 2, 3] } as never,
      }),
    );
    await vi.runAllTimersAsync();
    expect(((await outcome) as { response: Response }).response.status).toBe(200);
    expect(mock.requests).toHaveLength(3);
    const [first, ...rest] = mock.requests.map((r) => ({
      method: r.method,
      url: r.url.href,
      body: r.body,
      headers: [...r.headers],
    }));
    expect(first?.body).toBe(JSON.stringify({ note: "same every time", list: [1, 2, 3] }));
    expect(first?.url).toContain("/v2/flowControl/a%2Fb%20%C3%BC/pin?");
    for (const attempt of rest) expect(attempt).toEqual(first);
  });
});
