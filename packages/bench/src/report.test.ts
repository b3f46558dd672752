import { describe, expect, test } from "vitest";
import { median } from "./stats.mjs";
import { machine, versions } from "./machine.mjs";
import { renderReport, table } from "./report.mjs";
import { BUNDLE_TARGET_GZIP, evaluateTargets } from "./targets.mjs";

const bundle = (id: string, gzipped: number, others: string[] = [], onlyPause = true) => ({
  id,
  label: id,
  gzipped,
  minified: gzipped * 3,
  others,
  onlyPause,
  inputs: [],
});
const throughput = (concurrency: number, wrapper: number, official: number) => ({
  concurrency,
  ops: 10,
  results: [
    { id: "wrapper", label: "wrapper", median: wrapper * 1000, cpuMicros: 1, ratio: wrapper, rounds: [1] },
    { id: "official", label: "official", median: official * 1000, cpuMicros: 1, ratio: official, rounds: [1] },
    { id: "fetch", label: "fetch", median: 1000, cpuMicros: 1, ratio: 1, rounds: [1] },
  ],
});

describe("the targets", () => {
  test("a bundle over 4 kB, a leaky tree-shake and slow calls are missed", () => {
    const targets = evaluateTargets({
      bundles: [
        bundle("wrapper-class", 4001, [], false),
        bundle("wrapper-function", 3999, ["resume"]),
        bundle("official", 11000, [], false),
      ],
      throughput: [throughput(1, 0.85, 0.8), throughput(32, 0.95, 1.02)],
      coldStart: [
        { id: "wrapper", median: 50 },
        { id: "official", median: 49 },
      ],
    });
    const met = Object.fromEntries(targets.map((t) => [t.target, t.met]));
    expect(met).toEqual({
      "wrapper-class: pause-only app <= 4,000 B gzipped": false,
      "wrapper-function: pause-only app <= 4,000 B gzipped": true,
      "wrapper-function: tree-shaking keeps the other operations out": false,
      "throughput, concurrency 1: wrapper within 10 % of bare fetch": false,
      "throughput, concurrency 1: wrapper no slower than the official SDK": true,
      "throughput, concurrency 32: wrapper within 10 % of bare fetch": true,
      "throughput, concurrency 32: wrapper no slower than the official SDK": false,
      "cold start: wrapper no slower than the official SDK": false,
    });
  });
});

describe("the report", () => {
  const base = {
    machine: machine(),
    versions: versions(),
    command: "pnpm bench",
    date: "2025-01-01",
    bundleTarget: BUNDLE_TARGET_GZIP,
  };

  test("names the machine, the versions and the command that reproduces it", () => {
    const text = renderReport(base);
    expect(text).toContain(base.machine.cpu);
    expect(text).toContain(`${base.machine.cores} cores`);
    expect(text).toContain(process.version);
    expect(text).toContain("`@upstash/qstash`");
    expect(text).toContain("`pnpm bench`");
  });

  test("warns loudly when a budget is above the target, and only then", () => {
    const over = renderReport({ ...base, budgets: [{ name: "a", limit: "7.5 kB", limitBytes: 7500 }] });
    expect(over).toContain("**WARNING");
    const within = renderReport({ ...base, budgets: [{ name: "a", limit: "4 kB", limitBytes: 4000 }] });
    expect(within).not.toContain("WARNING");
  });

  test("tables are Markdown with right-aligned number columns", () => {
    expect(table(["a", "n"], [["x", 1]], ["", "r"])).toBe("| a | n |\n| --- | ---: |\n| x | 1 |");
  });

  test("median takes the middle value", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
