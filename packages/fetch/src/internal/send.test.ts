import { handlerFetch } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createQStashClient } from "../client.js";
import type { QStashClientOptions } from "../options.js";
import { ConnectionError, ValidationError } from "../errors.js";
import { serverDelay } from "./rate-limit.js";
import { backoffDelay, MAX_RETRY_DELAY_MS } from "./send.js";

const ROUTE = "/v2/flowControl/{flowControlKey}/pause";
const KEY = { params: { path: { flowControlKey: "k" } } };
// A whole second, so that HTTP dates and unix-second reset headers land on exact delays.
const NOW = Date.UTC(2030, 0, 1);

/** Each attempt takes the next answer (the last one repeats); every attempt's time is kept. */
type Answer = number | "drop" | (() => Response);

function scripted(answers: Answer[], options: Partial<QStashClientOptions> = {}) {
  const times: number[] = [];
  const mock = handlerFetch((_request, attempt) => {
    times.push(Date.now());
    const answer = answers[Math.min(attempt, answers.length) - 1] as Answer;
    if (answer === "drop") throw new TypeError("fetch failed");
    if (typeof answer === "function") return answer();
    return new Response(null, { status: answer });
  });
  const client = createQStashClient({ token: "test-token", fetch: mock.fetch, ...options });
  const gaps = () => times.slice(1).map((time, i) => time - (times[i] as number));
  return { client, requests: mock.requests, gaps };
}

const withHeaders = (status: number, headers: Record<string, string>) => () => new Response(null, { status, headers });

/** Runs every timer the call sets, so waits take no real time. */
async function settle<T>(call: Promise<T>): Promise<T | unknown> {
  const outcome = call.then(
    (value) => value,
    (error: unknown) => error,
  );
  await vi.runAllTimersAsync();
  return outcome;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("how many attempts", () => {
  test("maxRetries defaults to 2: at most 3 attempts, then the last response", async () => {
    const { client, requests } = scripted([503]);
    const result = (await settle(client.POST(ROUTE, KEY))) as { response: Response };
    expect(requests).toHaveLength(3);
    expect(result.response.status).toBe(503);
  });

  test("maxRetries 0 sends exactly once", async () => {
    const { client, requests } = scripted([500], { maxRetries: 0 });
    await settle(client.POST(ROUTE, KEY));
    expect(requests).toHaveLength(1);
  });

  test("a per-call maxRetries overrides the client's", async () => {
    const { client, requests } = scripted([500], { maxRetries: 0 });
    await settle(client.POST(ROUTE, { ...KEY, maxRetries: 4 }));
    expect(requests).toHaveLength(5);
  });

  test("a success after failures ends the retries", async () => {
    const { client, requests } = scripted([503, "drop", 200]);
    const result = (await settle(client.POST(ROUTE, KEY))) as { response: Response };
    expect(result.response.status).toBe(200);
    expect(requests).toHaveLength(3);
  });

  test.each([408, 429, 500, 502, 503, 504, 599])("%i is retried", async (status) => {
    const { client, requests } = scripted([status, 200]);
    const result = (await settle(client.POST(ROUTE, KEY))) as { response: Response };
    expect(result.response.status).toBe(200);
    expect(requests).toHaveLength(2);
  });

  test.each([400, 401, 403, 404, 409, 422])("%i is never retried", async (status) => {
    const { client, requests } = scripted([status, 200]);
    const result = (await settle(client.POST(ROUTE, KEY))) as { response: Response };
    expect(result.response.status).toBe(status);
    expect(requests).toHaveLength(1);
  });

  test("connection errors are retried, then reject with ConnectionError carrying the cause", async () => {
    const { client, requests } = scripted(["drop"]);
    const error = await settle(client.POST(ROUTE, KEY));
    expect(requests).toHaveLength(3);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain("3 attempts");
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  test.each([
    { maxRetries: -1 },
    { maxRetries: 1.5 },
    { maxRetries: "2" },
    { maxRetries: Number.NaN },
    { timeout: 0 },
    { timeout: -5 },
    { timeout: Number.POSITIVE_INFINITY },
    { timeout: "1000" },
  ])("a bad policy %o is refused before sending, per call and per client", async (policy) => {
    const { client, requests } = scripted([200]);
    await expect(client.POST(ROUTE, { ...KEY, ...(policy as object) })).rejects.toThrow(ValidationError);
    expect(() => createQStashClient({ token: "t", ...(policy as object) })).toThrow(ValidationError);
    expect(requests).toHaveLength(0);
  });
});

describe("how long between attempts", () => {
  test("Retry-After in seconds", async () => {
    const { client, gaps } = scripted([withHeaders(503, { "Retry-After": "3" }), 200]);
    await settle(client.POST(ROUTE, KEY));
    expect(gaps()).toEqual([3000]);
  });

  test("Retry-After as an HTTP date", async () => {
    const at = new Date(NOW + 5000).toUTCString();
    const { client, gaps } = scripted([withHeaders(429, { "Retry-After": at }), 200]);
    await settle(client.POST(ROUTE, KEY));
    expect(gaps()).toEqual([5000]);
  });

  test("a 429's Burst-RateLimit-Reset (unix seconds), preferred to RateLimit-Reset", async () => {
    const burst = String(NOW / 1000 + 7);
    // The second wait starts 7 s later, so this reset is 50 s after it.
    const daily = String(NOW / 1000 + 57);
    const { client, gaps } = scripted([
      withHeaders(429, { "Burst-RateLimit-Reset": burst, "RateLimit-Reset": daily }),
      withHeaders(429, { "RateLimit-Reset": daily }),
      200,
    ]);
    await settle(client.POST(ROUTE, KEY));
    expect(gaps()).toEqual([7000, 50_000]);
  });

  test("Retry-After wins over the reset headers", async () => {
    const reset = String(NOW / 1000 + 30);
    const { client, gaps } = scripted([withHeaders(429, { "Retry-After": "2", "Burst-RateLimit-Reset": reset }), 200]);
    await settle(client.POST(ROUTE, KEY));
    expect(gaps()).toEqual([2000]);
  });

  test("a server delay up to 60 s is waited for", async () => {
    const { client, gaps } = scripted([withHeaders(503, { "Retry-After": "60" }), 200]);
    await settle(client.POST(ROUTE, KEY));
    expect(gaps()).toEqual([MAX_RETRY_DELAY_MS]);
    expect(MAX_RETRY_DELAY_MS).toBe(60_000);
  });

  test.each([
    ["Retry-After", { "Retry-After": "3600" }],
    ["Burst-RateLimit-Reset", { "Burst-RateLimit-Reset": String(NOW / 1000 + 3600) }],
  ])("a longer %s is not waited for: the reply comes back at once", async (_, headers) => {
    const { client, requests } = scripted([withHeaders(429, headers), 200]);
    const { response } = (await settle(client.POST(ROUTE, KEY))) as { response: Response };
    expect(response.status).toBe(429);
    expect(requests).toHaveLength(1);
  });

  test("reset headers count only on a 429: a 503 with one backs off", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const reset = String(NOW / 1000 + 30);
    const { client, gaps } = scripted([withHeaders(503, { "Burst-RateLimit-Reset": reset }), 200]);
    await settle(client.POST(ROUTE, KEY));
    expect(gaps()).toEqual([500]);
  });

  test("without server hints: exponential from 0.5 s, capped at 8 s (no jitter when random is 0)", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const { client, gaps } = scripted([500, "drop"], { maxRetries: 7 });
    await settle(client.POST(ROUTE, KEY));
    expect(gaps()).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  test("jitter takes off at most a quarter of each step", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.999_999);
    const { client, gaps } = scripted([500], { maxRetries: 6 });
    await settle(client.POST(ROUTE, KEY));
    const steps = [500, 1000, 2000, 4000, 8000, 8000];
    gaps().forEach((gap, i) => {
      const step = steps[i] as number;
      expect(gap).toBeGreaterThanOrEqual(Math.floor(step * 0.75));
      expect(gap).toBeLessThan(step * 0.76);
    });
  });

  test("with real randomness every backoff lies within its jitter bounds", () => {
    for (let retry = 0; retry < 8; retry++) {
      const step = Math.min(500 * 2 ** retry, 8000);
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(retry);
        expect(delay).toBeGreaterThanOrEqual(step * 0.75);
        expect(delay).toBeLessThanOrEqual(step);
      }
    }
  });
});

describe("serverDelay", () => {
  const h = (init: Record<string, string>) => new Headers(init);

  test.each([
    [{ "retry-after": "0" }, 503, 0],
    [{ "retry-after": "-4" }, 503, 0],
    [{ "retry-after": "1.5" }, 503, 1500],
    [{ "retry-after": "soon" }, 503, undefined],
    [{ "retry-after": "" }, 503, undefined],
    [{ "retry-after": new Date(NOW - 10_000).toUTCString() }, 503, 0],
    [{ "burst-ratelimit-reset": "2" }, 429, 2000],
    [{ "burst-ratelimit-reset": String(NOW + 4000) }, 429, 4000],
    [{ "burst-ratelimit-reset": String(NOW / 1000 - 100) }, 429, 0],
    [{ "ratelimit-reset": "nonsense" }, 429, undefined],
    [{ "ratelimit-reset": "3" }, 500, undefined],
    [{ "ratelimit-reset": "3" }, 429, 3000],
    // The burst limit was hit but said no reset: the daily window is not the one to wait for.
    [{ "burst-ratelimit-remaining": "0", "ratelimit-reset": "3" }, 429, undefined],
    [{}, 429, undefined],
  ])("%o on %i -> %s ms", (headers, status, expected) => {
    expect(serverDelay(h(headers), status, NOW)).toBe(expected);
  });
});
