import { describe, expect, it } from "vitest";
import {
  checkPositiveInteger,
  checkWholeNumber,
  durationExamples,
  durationMs,
  durationText,
  millisecondsText,
  periodSeconds,
} from "./index.ts";

describe("the one duration grammar", () => {
  it("takes a whole number and one of the units asked for, nothing else", () => {
    const all = ["ms", "s", "m", "h", "d"] as const;
    expect(["500ms", "10s", "2m", "1h", "1d"].map((text) => durationMs(text, all))).toEqual([
      500, 10_000, 120_000, 3_600_000, 86_400_000,
    ]);
    for (const bad of ["500", "1.5s", " 1s", "1s ", "1 s", "-1s", "1S", "s", "1w", "0x1s", ""]) {
      expect(durationMs(bad, all), bad).toBeUndefined();
    }
    // Each use names its units: a period has no ms, a timeout no days.
    expect(durationMs("500ms", ["s", "m"])).toBeUndefined();
    expect(durationMs("1d", ["ms", "s", "m", "h"])).toBeUndefined();
  });

  it("writes seconds in the largest unit that divides them, and the forms for messages", () => {
    expect([1, 30, 60, 90, 300, 3600, 5400, 86_400, 172_800].map(durationText)).toEqual([
      "1s",
      "30s",
      "1m",
      "90s",
      "5m",
      "1h",
      "90m",
      "1d",
      "2d",
    ]);
    expect(durationExamples(["ms", "s", "m"])).toBe('"500ms", "10s", "2m"');
    expect([30_000, 1500, 120_000].map(millisecondsText)).toEqual(["30s", "1500ms", "2m"]);
  });

  it("is the grammar of a rate period: seconds and up, trimmed, at most a week", () => {
    expect(periodSeconds(" 5m ")).toBe(300);
    expect(() => periodSeconds("500ms")).toThrow(/period must be seconds or a duration/);
    expect(() => periodSeconds("0s")).toThrow("period must be a positive integer, got 0");
    expect(() => periodSeconds("8d")).toThrow(/at most one week/);
  });
});

describe("the number checks", () => {
  it("take only positive, or whole, safe integers and name the option and the value", () => {
    expect(checkPositiveInteger("n", 3)).toBe(3);
    for (const bad of [0, -1, 1.5, Number.NaN, "2", 2 ** 53]) {
      expect(() => checkPositiveInteger("n", bad)).toThrow(/^n must be a positive integer, got /);
    }
    expect(() => checkPositiveInteger("n", Number.NaN)).toThrow("got NaN");
    expect(checkWholeNumber("m", 0)).toBe(0);
    for (const bad of [-1, 0.5, "0"])
      expect(() => checkWholeNumber("m", bad)).toThrow(/^m must be a whole number >= 0/);
  });
});
