import { ValidationError } from "@qstash-flow/flow-control";
import { describe, expect, test } from "vitest";
import { orReason, positiveIntegerText, wholeNumberText } from "./integer.ts";

describe("integers written as text", () => {
  test("positive: digits without a leading zero, up to the largest safe integer", () => {
    expect(positiveIntegerText("rate", "1")).toBe(1);
    expect(positiveIntegerText("rate", String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    for (const text of ["0", "01", "-1", "+1", "1.5", "1e3", " 1", "1 ", "", "abc", "99999999999999999999"]) {
      expect(() => positiveIntegerText("rate", text)).toThrow(ValidationError);
      // The refusal shows the text as sent, not a number made of it.
      expect(orReason(() => positiveIntegerText("rate", text))).toBe(
        `rate must be a positive integer, got ${JSON.stringify(text)}`,
      );
    }
  });

  test("whole: digits only, zero and leading zeros included", () => {
    expect(wholeNumberText("count", "0")).toBe(0);
    expect(wholeNumberText("count", "007")).toBe(7);
    for (const text of ["-1", "1.5", "1e3", " 1", "", "yesterday", "99999999999999999999"]) {
      expect(orReason(() => wholeNumberText("count", text))).toBe(
        `count must be a whole number >= 0, got ${JSON.stringify(text)}`,
      );
    }
  });

  test("orReason passes on anything but a ValidationError", () => {
    expect(() =>
      orReason(() => {
        throw new TypeError("a bug");
      }),
    ).toThrow(TypeError);
  });
});
