import { describe, expect, it } from "vitest";
import { DesiredStateError } from "./desired.js";
import { parseDesiredState } from "./parse.js";
import { entryFor } from "./plan.js";

function problems(text: string): string[] {
  try {
    parseDesiredState(text, { source: "desired.yaml" });
  } catch (error) {
    expect(error).toBeInstanceOf(DesiredStateError);
    return (error as DesiredStateError).message.split("\n");
  }
  throw new Error("the file was accepted");
}

describe("parseDesiredState", () => {
  it("reads the issue's example, durations through periodSeconds", () => {
    const text = [
      "keys:",
      "  orders/eu:",
      "    paused: false",
      "    parallelism: 5        # pinned to 5",
      "    rate: 100",
      "    period: 1m",
      "  billing:",
      "    parallelism: unpinned",
      '  "reports/*":',
      "    paused: true",
    ].join("\n");
    expect(parseDesiredState(text)).toEqual({
      keys: {
        "orders/eu": { paused: false, parallelism: 5, rate: 100, period: 60 },
        billing: { parallelism: "unpinned" },
        "reports/*": { paused: true },
      },
    });
  });

  it("accepts JSON and keeps a key named __proto__ as a key", () => {
    const state = parseDesiredState('{"keys": {"__proto__": {"paused": true}, "b": {"rate": 2, "period": 30}}}');
    expect(Object.keys(state.keys)).toEqual(["__proto__", "b"]);
    expect(Object.getPrototypeOf(state.keys)).toBe(Object.prototype);
    expect(state.keys.b).toEqual({ rate: 2, period: 30 });
  });

  it("reports every problem at once, each with its line and column", () => {
    expect(problems("keys:\n  a:\n    rate: 1.5\n    period: 2w\n  b: 3\n")).toEqual([
      'desired.yaml:3:11: rate must be a positive whole number (pinned to it) or "unpinned", got 1.5',
      'desired.yaml:4:13: period must be seconds or a duration like "30s", "5m", "1h", "1d", got "2w"',
      'desired.yaml:5:6: the entry for "b" must be a mapping of paused, parallelism, rate, period',
    ]);
    expect(problems("keys:\n  a:\n    paused: true\nextra: 1\n")).toEqual([
      'desired.yaml:4:1: unknown field "extra": expected "keys"',
    ]);
    expect(problems("keys: [a]\n")).toEqual(['desired.yaml:1:7: "keys" must be a mapping of key names to entries']);
    expect(problems("paused: true\n")[1]).toBe('desired.yaml:1:1: "keys" must be a mapping of key names to entries');
    expect(problems("keys:\n  a:\n  paused: true\n    rate: 3\n")[0]).toMatch(/^desired\.yaml:3:\d+: \S/);
    expect(problems('keys:\n  "bad\\u0007key":\n    paused: true\n')[0]).toMatch(
      /^desired\.yaml:2:3: bad key name .*control characters/,
    );
  });
});

describe("entryFor", () => {
  const names = ["reports/*", "reports/daily/*", "reports/daily/eu", "*"];
  it("prefers the exact name, then the longest pattern", () => {
    expect(entryFor("reports/daily/eu", names)).toBe("reports/daily/eu");
    expect(entryFor("reports/daily/us", names)).toBe("reports/daily/*");
    expect(entryFor("reports/weekly", names)).toBe("reports/*");
    expect(entryFor("orders", names)).toBe("*");
    expect(entryFor("orders", ["reports/*"])).toBeUndefined();
  });
});
