import { describe, expect, test } from "vitest";
import { keyProblem, parseDuration, parseFlowControlValue } from "./flow-value.ts";

describe("parseFlowControlValue", () => {
  test("reads every part, in any order, with or without spaces", () => {
    expect(parseFlowControlValue("parallelism=3, rate=10, period=1m")).toEqual({
      parallelism: 3,
      rate: 10,
      period: 60,
    });
    expect(parseFlowControlValue("period=2h,rate=1")).toEqual({ rate: 1, period: 7200 });
    expect(parseFlowControlValue("Parallelism = 1")).toEqual({ parallelism: 1 });
  });

  test.each([
    ["", "expected name=value"],
    ["parallelism=0", "positive integer"],
    ["rate=1.5", "positive integer"],
    ["rate=-1", "positive integer"],
    ["rate=99999999999999999999", "positive integer"],
    ["parallelism=1, parallelism=2", "given twice"],
    ["parallelism=1, burst=2", 'unknown part "burst"'],
    ["rate=1, period=0s", "period must be"],
    ["rate=1, period=1w", "period must be"],
    ["period=10s", "give parallelism and/or rate"],
    ["parallelism=1;rate=2", "positive integer"],
  ])("refuses %j", (header, problem) => {
    const result = parseFlowControlValue(header);
    expect(typeof result).toBe("string");
    expect(result).toContain(problem);
  });
});

describe("parseDuration", () => {
  test.each([
    ["10s", 10],
    ["1m", 60],
    ["1h", 3600],
    ["1d", 86_400],
    ["45", 45],
  ])("%s is %i seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  test.each(["", "0", "s", "1.5s", "01s", "-1s", "1 s"])("refuses %j", (text) => {
    expect(typeof parseDuration(text)).toBe("string");
  });
});

describe("keyProblem", () => {
  test("accepts keys with characters a path would misread, once decoded", () => {
    for (const key of ["orders", "tenant/42", "a?b#c", "50%", "ü key"]) expect(keyProblem(key)).toBeUndefined();
  });

  test.each(["", ".", "..", "%2e%2E", "a\nb", "tab\there"])("refuses %j", (key) => {
    expect(keyProblem(key)).toEqual(expect.any(String));
  });
});
