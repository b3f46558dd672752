import { describe, expect, test } from "vitest";
import { keyProblem, parsePeriod, parseFlowControlValue } from "./flow-value.ts";

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
    ["rate=1, period=8d", "at most one week (604800 s), got 691200 s"],
    ["rate=1, period=604801", "at most one week"],
    ["period=10s", "give parallelism and/or rate"],
    ["parallelism=1;rate=2", "positive integer"],
  ])("refuses %j", (header, problem) => {
    const result = parseFlowControlValue(header);
    expect(typeof result).toBe("string");
    expect(result).toContain(problem);
  });
});

describe("parsePeriod", () => {
  test.each([
    ["10s", 10],
    ["1m", 60],
    ["1h", 3600],
    ["1d", 86_400],
    ["45", 45],
    ["7d", 604_800],
    ["604800", 604_800],
  ])("%s is %i seconds", (text, seconds) => {
    expect(parsePeriod(text)).toBe(seconds);
  });

  test.each(["", "0", "s", "1.5s", "-1s", "1 s", "8d", "30d", "604801"])("refuses %j", (text) => {
    expect(typeof parsePeriod(text)).toBe("string");
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
