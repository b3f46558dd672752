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

describe("keys read exactly as written", () => {
  it("keeps number-like, boolean-like and null-like names as the text written", () => {
    const names = [
      "010",
      "00123",
      "1e3",
      "0x1F",
      "0o17",
      "1_000",
      "+12",
      ".5",
      "1.0",
      ".inf",
      "~",
      "null",
      "True",
      "NO",
    ];
    const text = `keys:\n${names.map((name) => `  ${name}:\n    paused: true\n`).join("")}`;
    expect(Object.keys(parseDesiredState(text).keys)).toEqual(names);
  });

  it('keeps 010 and "10" as two keys, and refuses "010" beside 010 with its line', () => {
    const state = parseDesiredState('keys:\n  010:\n    paused: true\n  "10":\n    paused: false\n');
    expect(state.keys).toEqual({ "010": { paused: true }, "10": { paused: false } });
    expect(problems('keys:\n  010:\n    paused: true\n  "010":\n    paused: false\n')).toEqual([
      "desired.yaml:4:3: Map keys must be unique",
    ]);
  });
});

describe("anchors and aliases", () => {
  const reused = (count: number) =>
    [
      "keys:",
      "  first:",
      "    &limits",
      "    parallelism: 2",
      "    rate: 10",
      "    period: 1m",
      ...Array.from({ length: count }, (_, i) => `  k${i}: *limits`),
      "",
    ].join("\n");

  it("lets one entry be reused by many keys", () => {
    for (const count of [100, 5_000]) {
      const state = parseDesiredState(reused(count));
      expect(Object.keys(state.keys)).toHaveLength(count + 1);
      expect(state.keys[`k${count - 1}`]).toEqual({ parallelism: 2, rate: 10, period: 60 });
    }
  });

  it("refuses an alias bomb at the alias that blows it up, with line and column", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
    }
    const lines = problems(`keys:\n  bomb:\n    paused: *i\n${levels.join("\n")}\n`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^desired\.yaml:\d+:\d+: the aliases expand the file past \d+ values here \(an alias bomb\?\)/,
    );
  });

  it("refuses an alias inside the node it names, with line and column", () => {
    expect(problems("keys:\n  a:\n    paused: &loop [1, *loop]\n")).toEqual([
      "desired.yaml:3:23: the alias *loop is inside the node it names",
    ]);
  });

  it("gives every bad file a line and column, an empty one included", () => {
    for (const text of ["", "# nothing\n", "keys:\n  ? [a, b]\n  : {paused: true}\n", "keys: *nowhere\n", "- a\n"]) {
      for (const line of problems(text)) expect(line).toMatch(/^desired\.yaml:\d+:\d+: \S/);
    }
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
