import { describe, expect, test } from "vitest";
import { median, medianInterval, verdict } from "./stats.mjs";
import { machine, versions } from "./machine.mjs";
import { table } from "./markdown.mjs";
import { renderReport } from "./report.mjs";
import { evaluateTargets } from "./targets.mjs";

const bundle = (id: string, gzipped: number, others: string[] = [], onlyPause = true) => ({
  id,
  label: id,
  gzipped,
  minified: gzipped * 3,
  others,
  onlyPause,
  inputs: [],
});
/** `rounds` rounds in which fetch does 1000 ops/s and the others `wrapper` and `official` times that, give or take `spread`. */
const throughput = (
  concurrency: number,
  wrapper: number,
  official: number,
  spread = 0,
  rounds = 15,
  { typed = 1.05, wrapperCpu = 0.5 } = {},
) => {
  const wobble = (i: number) => 1 + spread * (((i * 7) % rounds) / (rounds - 1) - 0.5) * 2;
  const row = (id: string, factor: number, offset: number, cpuMicros = 1) => {
    const samples = Array.from({ length: rounds }, (_, i) => 1000 * factor * wobble((i + offset) % rounds));
    const ratios = samples.map((value) => value / 1000);
    return { id, label: id, median: median(samples), cpuMicros, rounds: samples, ratios, ratio: median(ratios) };
  };
  return {
    concurrency,
    ops: 10,
    results: [
      row("wrapper", wrapper, 0, wrapperCpu),
      row("typed", typed, 1),
      row("official", official, 3),
      row("fetch", 1, 0),
    ].map((r) =>
      r.id === "fetch" ? { ...r, rounds: Array(rounds).fill(1000), ratios: Array(rounds).fill(1), ratio: 1 } : r,
    ),
  };
};
const cold = (id: string, walls: number[]) => ({ id, runs: walls, median: median(walls), cpu: 1 });

describe("the targets", () => {
  test("a bundle over its target, a leaky tree-shake and clearly slow calls are missed", () => {
    const targets = evaluateTargets({
      bundles: [
        bundle("wrapper-class", 5121, [], false),
        bundle("wrapper-function", 3999, ["resume"]),
        bundle("official", 11000, [], false),
      ],
      throughput: [
        throughput(1, 1.4, 1.2, 0, 15, { typed: 0.9, wrapperCpu: 0.7 }),
        throughput(32, 1.6, 1.62, 0, 15, { typed: 1.1, wrapperCpu: 0.5 }),
      ],
      coldStart: [cold("wrapper", Array(9).fill(50)), cold("official", Array(9).fill(49))],
    });
    const met = Object.fromEntries(targets.map((t) => [t.target, t.met]));
    expect(met).toEqual({
      "wrapper-class: pause-only app <= 5,120 B gzipped": false,
      "wrapper-function: pause-only app <= 4,000 B gzipped": true,
      "wrapper-function: tree-shaking keeps the other operations out": false,
      "throughput, concurrency 1: wrapper at least 1.5x bare fetch": false,
      "throughput, concurrency 1: wrapper at most 0.6x bare fetch's CPU per call": false,
      "throughput, concurrency 1: typed client at least 1x bare fetch": false,
      "throughput, concurrency 1: wrapper no slower than the official SDK": true,
      "throughput, concurrency 32: wrapper at least 1.5x bare fetch": true,
      "throughput, concurrency 32: wrapper at most 0.6x bare fetch's CPU per call": true,
      "throughput, concurrency 32: typed client at least 1x bare fetch": true,
      "throughput, concurrency 32: wrapper no slower than the official SDK": false,
      "cold start: wrapper no slower than the official SDK": false,
    });
  });

  test("a timing whose rounds straddle the line is within noise, not met or missed", () => {
    // Medians on the good side of the lines, but rounds spread 8 % either way.
    const targets = evaluateTargets({
      throughput: [throughput(1, 1.52, 1.51, 0.08, 15, { typed: 1.01 })],
      coldStart: [
        cold("wrapper", [100, 90, 110, 95, 105, 98, 102]),
        cold("official", [101, 92, 108, 96, 104, 99, 103]),
      ],
    });
    expect(targets.map((t) => t.met)).toEqual([null, true, null, null, null]);
    expect(targets[0]?.measured).toMatch(/^152 % of bare fetch's ops\/s \(95 % interval \d+-\d+ %\)/);
  });

  test("the same spread far from the line is met", () => {
    const targets = evaluateTargets({ throughput: [throughput(1, 1.7, 1.5, 0.05, 15, { typed: 1.2 })] });
    expect(targets.map((t) => t.met)).toEqual([true, true, true, true]);
  });

  test("too few rounds for an interval is within noise, and says so", () => {
    const [row] = evaluateTargets({ throughput: [throughput(1, 1.6, 0.9, 0, 5)] });
    expect(row?.met).toBeNull();
    expect(row?.measured).toContain("too few rounds for an interval");
  });
});

describe("the interval for a median", () => {
  test("with 15 samples it runs from the 4th smallest to the 4th largest (96.5 %)", () => {
    const values = [15, 3, 9, 1, 12, 7, 5, 14, 2, 10, 8, 4, 13, 6, 11];
    const interval = medianInterval(values);
    expect(interval).toMatchObject({ low: 4, high: 12 });
    expect(interval?.confidence).toBeCloseTo(1 - (2 * (1 + 15 + 105 + 455)) / 2 ** 15, 10);
  });

  test("6 samples are the fewest that reach 95 %, and then the interval is min to max", () => {
    expect(medianInterval([1, 2, 3, 4, 5])).toBeUndefined();
    expect(medianInterval([6, 1, 5, 2, 4, 3])).toMatchObject({ low: 1, high: 6 });
  });

  test("covers the true median at least 95 % of the time", () => {
    // A seeded generator (mulberry32), so the test is deterministic: samples from an
    // exponential distribution, whose median is ln 2.
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 2 ** 32;
    };
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const sample = Array.from({ length: 15 }, () => -Math.log(random()));
      const interval = medianInterval(sample);
      if (interval && interval.low <= Math.LN2 && Math.LN2 <= interval.high) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.95);
    expect(covered / trials).toBeLessThan(0.99);
  });

  test("verdicts: all on the good side, all on the bad side, or straddling", () => {
    expect(verdict({ low: 0.9, high: 0.95 }, 0.9)).toBe(true);
    expect(verdict({ low: 0.8, high: 0.89 }, 0.9)).toBe(false);
    expect(verdict({ low: 0.88, high: 0.92 }, 0.9)).toBeNull();
    expect(verdict({ low: 0.7, high: 1 }, 1, false)).toBe(true);
    expect(verdict({ low: 1.01, high: 1.2 }, 1, false)).toBe(false);
    expect(verdict(undefined, 1)).toBeNull();
  });
});

describe("the report", () => {
  const base = {
    machine: machine(),
    versions: versions(),
    command: "pnpm bench",
    date: "2025-01-01",
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
    const over = renderReport({
      ...base,
      budgets: [{ name: "a", limit: "7.5 kB", limitBytes: 7500, targetBytes: 5120 }],
    });
    expect(over).toContain("**WARNING");
    // Each budget beside its own target: 5,120 B here, not another bundle's.
    expect(over).toMatch(/\| a \| 7\.5 kB \| 5,120 B \|/);
    const within = renderReport({
      ...base,
      budgets: [{ name: "a", limit: "5 kB", limitBytes: 5000, targetBytes: 5120 }],
    });
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
