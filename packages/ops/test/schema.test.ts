import { readFile } from "node:fs/promises";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MAX_PERIOD_SECONDS } from "@qstash-flow/flow-control";
import { DesiredStateError, desiredStateSchema, parseDesiredState } from "../src/index.js";

const PUBLISHED = new URL("../desired-state.schema.json", import.meta.url);

describe("the published JSON Schema of the desired-state file", () => {
  it("is the schema the code defines (regenerate with `pnpm --filter @qstash-flow/ops schema`)", async () => {
    expect(JSON.parse(await readFile(PUBLISHED, "utf8"))).toEqual(desiredStateSchema);
  });

  // The parser is the rule; the schema must agree with it wherever JSON Schema can say it.
  const validate = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(desiredStateSchema);
  const accepted = [
    "keys: {}",
    "keys:\n  orders/eu:\n    paused: false\n    parallelism: 5\n    rate: 100\n    period: 1m",
    "keys:\n  billing:\n    parallelism: unpinned\n  reports/*:\n    paused: true",
    "keys:\n  a:\n    rate: 3\n    period: 604800",
    "keys:\n  a:\n    rate: 3\n    period: 604800s",
    "keys:\n  a:\n    rate: 3\n    period: 10080m",
    "keys:\n  a:\n    rate: 3\n    period: 168h",
    "keys:\n  a:\n    rate: 3\n    period: 7d",
    "keys:\n  a:\n    rate: 3\n    period: 007d",
    "keys:\n  a:\n    rate: unpinned",
    '{ "$schema": "x", "keys": { "a": { "paused": true } } }',
  ];
  const refused = [
    "",
    "keys: []",
    "kyes:\n  a:\n    paused: true",
    "keys:\n  a:\n    paused: yes",
    "keys:\n  a:\n    parallelism: 0",
    "keys:\n  a:\n    parallelism: 2.5",
    "keys:\n  a:\n    rate: pinned",
    "keys:\n  a:\n    colour: red",
    "keys:\n  a:\n    period: 1m",
    "keys:\n  a:\n    rate: unpinned\n    period: 1m",
    "keys:\n  a:\n    rate: 3\n    period: 604801",
    "keys:\n  a:\n    rate: 3\n    period: 5 minutes",
    "keys:\n  a:\n    rate: 3\n    period: 8d",
    "keys:\n  a:\n    rate: 3\n    period: 0s",
    "keys:\n  a:\n    rate: 3\n    period: 00m",
    "keys:\n  a:\n    rate: 3\n    period: 1000000h",
    "keys:\n  a:\n    rate: 3\n    period: 169h",
    "keys:\n  a:\n    rate: 3\n    period: 10081m",
    "keys:\n  a:\n    rate: 3\n    period: 604801s",
    "keys:\n  a: {}",
    "keys:\n  a: null",
    'keys:\n  "..":\n    paused: true',
    'keys:\n  "":\n    paused: true',
  ];

  it.each(accepted)("accepts what the parser accepts: %j", (text) => {
    expect(() => parseDesiredState(text)).not.toThrow();
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(refused)("refuses what the parser refuses: %j", (text) => {
    expect(() => parseDesiredState(text)).toThrow(DesiredStateError);
    expect(validate(parse(text))).toBe(false);
  });

  it("agrees with the parser on every period string from 0 to past one week, in each unit", () => {
    const counts = (last: number) => Array.from({ length: last + 3 }, (_, n) => n);
    const seconds = [...counts(1100), ...counts(4).map((n) => MAX_PERIOD_SECONDS - 2 + n), 99_999, 100_000, 999_999];
    const cases = [
      ...seconds.map((n) => `${n}s`),
      ...counts(MAX_PERIOD_SECONDS / 60).map((n) => `${n}m`),
      ...counts(MAX_PERIOD_SECONDS / 3600).map((n) => `${n}h`),
      ...counts(MAX_PERIOD_SECONDS / 86_400).map((n) => `${n}d`),
    ];
    const disagree = cases.filter((period) => {
      const file = { keys: { a: { rate: 3, period } } };
      let parsed = true;
      try {
        parseDesiredState(JSON.stringify(file));
      } catch {
        parsed = false;
      }
      return parsed !== validate(file);
    });
    expect(disagree).toEqual([]);
  });
});
