import { describe, expect, test } from "vitest";
import { defaultBackoff, retryDelayMs } from "./retry.js";
import { compileRetryDelay } from "./retry-delay.js";

describe("Upstash-Retry-Delay expressions", () => {
  test.each([
    ["1000", [1000, 1000, 1000]],
    ["1000 * (1 + retried)", [1000, 2000, 3000]],
    ["pow(2, retried) * 1000", [1000, 2000, 4000]],
    ["max(1000, pow(2, retried) * 100)", [1000, 1000, 1000]],
    ["floor(sqrt(retried * 100)) + abs(-1) + ceil(0.2) + round(0.4) + min(1, 2) + exp(0) - 4", [0, 10, 14]],
    ["-retried + 10 / 2", [5, 4, 3]],
  ])("%s for retried 0, 1, 2", (text, expected) => {
    const compiled = compileRetryDelay(text);
    if (typeof compiled === "string") throw new Error(compiled);
    expect([0, 1, 2].map(compiled)).toEqual(expected);
  });

  test.each([
    ["", /unexpected end/],
    ["pow(2)", /pow takes 2 arguments/],
    ["constructor(1)", /unknown name "constructor"/],
    ["1000 +", /unexpected end/],
    ["(1000", /expected "\)"/],
    ["1000 1000", /unexpected "1000"/],
    ["1000 % 3", /unexpected "%"/],
  ])("%j is refused", (text, message) => {
    expect(compileRetryDelay(text)).toMatch(message);
  });
});

describe("the delay before a retry", () => {
  test("QStash's documented table: 12 s, 2 min 28 s, 30 min 8 s, 6 h 7 min 6 s, then a day", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => Math.floor(defaultBackoff(n) / 1000))).toEqual([
      12, 148, 1808, 22_026, 86_400, 86_400,
    ]);
  });

  test("Retry-After as seconds, duration or date wins; past a day it is ignored", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryDelayMs(0, undefined, { "retry-after": "10" }, now)).toBe(10_000);
    expect(retryDelayMs(0, undefined, { "retry-after": "6m5s" }, now)).toBe(365_000);
    expect(retryDelayMs(0, undefined, { "x-ratelimit-reset": "1.5s" }, now)).toBe(1500);
    expect(retryDelayMs(0, undefined, { "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }, now)).toBe(30_000);
    expect(retryDelayMs(0, undefined, { "retry-after": "172800" }, now)).toBe(defaultBackoff(1));
    expect(retryDelayMs(1, undefined, { "retry-after": "soon" }, now)).toBe(defaultBackoff(2));
  });

  test("a custom expression replaces the backoff, kept within 0 and a day", () => {
    const custom = compileRetryDelay("1000 - retried * 1000000") as (r: number) => number;
    expect(retryDelayMs(0, custom, undefined)).toBe(1000);
    expect(retryDelayMs(1, custom, undefined)).toBe(0);
    expect(retryDelayMs(0, compileRetryDelay("pow(10, 12)") as (r: number) => number, undefined)).toBe(86_400_000);
  });
});
