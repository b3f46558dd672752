import { describe, expect, test } from "vitest";
import { median, medianInterval, verdict } from "./stats.mjs";
import { machine, versions } from "./machine.mjs";
import { table } from "./markdown.mjs";
import { renderReport } from "./report.mjs";
import { evaluateTargets } from "./targets.mjs";
import { summarise } from "./throughput.mjs";

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
/** Ratios spread evenly over ratio +- spread in 15 rounds; the median's interval runs from the 4th smallest to the 4th largest. */
const around = (ratio: number, spread = 0) => Array.from({ length: 15 }, (_, i) => ratio + (spread * (i - 7)) / 7);
/**
 * One concurrency's results as a run summarises them (`summarise`): bare http.request does
 * 1,000 ops/s and 100 µs of CPU per call in every round, the others the given multiples.
 */
const againstHttp = (
  concurrency: number,
  { wrapper = around(0.95), typed = around(0.95), wrapperCpu = 110, typedCpu = 110 } = {},
) => {
  const ids = ["wrapper", "typed", "official", "http", "fetch"];
  const calls: Record<string, number[]> = {
    wrapper,
    typed,
    official: around(0.5),
    http: around(1),
    fetch: around(0.7),
  };
  const cpuPerCall: Record<string, number> = {
    wrapper: wrapperCpu,
    typed: typedCpu,
    official: 250,
    http: 100,
    fetch: 200,
  };
  const samples = Object.fromEntries(ids.map((id) => [id, calls[id]!.map((ratio) => ratio * 1000)]));
  const cpu = Object.fromEntries(ids.map((id) => [id, Array(15).fill(cpuPerCall[id])]));
  const ops = concurrency === 1 ? 4000 : 10000;
  return {
    concurrency,
    ops,
    warmupOps: ops / 2,
    results: summarise(
      ids.map((id) => ({ id, label: `${id} label` })),
      samples,
      cpu,
    ),
  };
};
/** Issue 28's rows only: met or not, by target. */
const httpTargets = (throughput: ReturnType<typeof againstHttp>[]) =>
  Object.fromEntries(
    evaluateTargets({ throughput })
      .filter((t) => t.target.includes("http.request"))
      .map((t) => [t.target, t.met]),
  );
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

describe("issue 28: our clients against bare keep-alive http.request", () => {
  test("0.95x its calls/s with a tight interval and 1.10x its CPU per call meet all four targets at each concurrency", () => {
    const run = { wrapper: around(0.95, 0.01), typed: around(0.95, 0.01), wrapperCpu: 110, typedCpu: 110 };
    expect(httpTargets([againstHttp(1, run), againstHttp(32, run)])).toEqual({
      "throughput, concurrency 1: wrapper at least 0.9x bare http.request": true,
      "throughput, concurrency 1: wrapper at most 1.15x bare http.request's CPU per call": true,
      "throughput, concurrency 1: typed client at least 0.9x bare http.request": true,
      "throughput, concurrency 1: typed client at most 1.15x bare http.request's CPU per call": true,
      "throughput, concurrency 32: wrapper at least 0.9x bare http.request": true,
      "throughput, concurrency 32: wrapper at most 1.15x bare http.request's CPU per call": true,
      "throughput, concurrency 32: typed client at least 0.9x bare http.request": true,
      "throughput, concurrency 32: typed client at most 1.15x bare http.request's CPU per call": true,
    });
  });

  test("0.85x its calls/s is missed, an interval across 0.9x is within noise, 1.2x its CPU is missed", () => {
    const met = httpTargets([
      againstHttp(1, { wrapper: around(0.85, 0.01), typed: around(0.91, 0.05), wrapperCpu: 120, typedCpu: 115 }),
      againstHttp(32, { wrapper: around(0.91, 0.05), typed: around(0.85, 0.01), wrapperCpu: 110, typedCpu: 120 }),
    ]);
    expect(met).toEqual({
      "throughput, concurrency 1: wrapper at least 0.9x bare http.request": false,
      "throughput, concurrency 1: wrapper at most 1.15x bare http.request's CPU per call": false,
      "throughput, concurrency 1: typed client at least 0.9x bare http.request": null,
      // The line itself counts as met.
      "throughput, concurrency 1: typed client at most 1.15x bare http.request's CPU per call": true,
      "throughput, concurrency 32: wrapper at least 0.9x bare http.request": null,
      "throughput, concurrency 32: wrapper at most 1.15x bare http.request's CPU per call": true,
      "throughput, concurrency 32: typed client at least 0.9x bare http.request": false,
      "throughput, concurrency 32: typed client at most 1.15x bare http.request's CPU per call": false,
    });
  });

  test("the targets say what was measured: the median ratio with its interval, and both CPU figures", () => {
    const rows = evaluateTargets({ throughput: [againstHttp(1, { wrapper: around(0.95, 0.01), wrapperCpu: 120 })] });
    const measured = Object.fromEntries(rows.map((t) => [t.target, t.measured]));
    expect(measured["throughput, concurrency 1: wrapper at least 0.9x bare http.request"]).toBe(
      "95 % of bare http.request's ops/s (95 % interval 94-96 %)",
    );
    expect(measured["throughput, concurrency 1: wrapper at most 1.15x bare http.request's CPU per call"]).toBe(
      "120 % of bare http.request's (120 vs 100 µs)",
    );
  });

  test("too few rounds for an interval cannot meet the calls/s target", () => {
    const short = againstHttp(1);
    for (const result of short.results) result.httpRatios = result.httpRatios.slice(0, 5);
    const rows = evaluateTargets({ throughput: [short] }).filter((t) => t.target.includes("at least 0.9x"));
    expect(rows.map((t) => t.met)).toEqual([null, null]);
    expect(rows[0]?.measured).toContain("too few rounds for an interval");
  });

  test("the report puts both clients against bare http.request side by side, per concurrency, with intervals", () => {
    const throughput = [
      againstHttp(1, { wrapper: around(0.95, 0.01), typed: around(0.85, 0.01), wrapperCpu: 110, typedCpu: 150 }),
      againstHttp(32, { wrapper: around(0.91, 0.05), typed: around(0.8, 0.01), wrapperCpu: 105, typedCpu: 190 }),
    ];
    const text = renderReport({
      machine: machine(),
      versions: versions(),
      command: "pnpm bench",
      date: "x",
      throughput,
    });
    const rows = [
      "| ratio | concurrency 1 | concurrency 32 |",
      "| --- | ---: | ---: |",
      "| `FlowControl#pause` / bare `http.request` (keep-alive agent), calls/s; target >= 90 % | 95 % (94-96) | 91 % (88-94) |",
      "| `FlowControl#pause` / bare `http.request`, CPU per call; target <= 115 % | 110 % (110 vs 100 µs) | 105 % (105 vs 100 µs) |",
      "| typed client `POST` / bare `http.request`, calls/s; target >= 90 % | 85 % (84-86) | 80 % (79-81) |",
      "| typed client `POST` / bare `http.request`, CPU per call; target <= 115 % | 150 % (150 vs 100 µs) | 190 % (190 vs 100 µs) |",
      // Bare fetch does 0.7x bare http.request's calls in every round.
      "| `FlowControl#pause` / bare `fetch`, calls/s | 136 % (135-137) | 130 % (126-134) |",
    ];
    expect(text).toContain(rows.join("\n"));
    // Above the detailed tables, which give each contestant's ratio to bare http.request beside bare fetch.
    expect(text.indexOf(rows[0]!)).toBeLessThan(text.indexOf("### Concurrency 1"));
    expect(text).toContain(
      "| client | median ops/s | vs bare fetch | vs bare http.request | client CPU per call | CPU vs http.request |",
    );
    expect(text).toMatch(/\| wrapper label \| 950 \| 136 % \(135-137\) \| 95 % \(94-96\) \| 110 µs \| 110 % \|/);
    // The method as run: warm-up, rounds and calls per concurrency from the results themselves.
    expect(text).toContain("at concurrency 1, 2,000 warm-up calls each, then 15 rounds of 4,000 calls");
    expect(text).toContain("at concurrency 32, 5,000 warm-up calls each, then 15 rounds of 10,000 calls");
    expect(text).toContain("bare `http.request`'s median round lasting 4,000 ms");
    expect(text).toContain("full garbage collection (`node --expose-gc`)");
  });

  test("without bare http.request in the run there is no side-by-side table", () => {
    const text = renderReport({
      machine: machine(),
      versions: versions(),
      command: "pnpm bench",
      date: "x",
      throughput: [throughput(1, 1.6, 1.2)],
    });
    expect(text).toContain("### Concurrency 1");
    expect(text).not.toContain("### Ours against bare `http.request`");
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

describe("the overhead ladder", () => {
  // Three rounds' CPU per call; each step's cost is read against the step it builds on, round by round.
  const ladder = () => {
    const list = [
      { id: "http", label: "1. floor" },
      { id: "carrier", label: "2. carrier", after: "http" },
      { id: "transport", label: "3. transport", after: "carrier" },
      { id: "typed", label: "4. typed", after: "transport" },
      { id: "wrapper", label: "5. wrapper", after: "transport" },
      { id: "fetch", label: "bare fetch" },
    ];
    const round = () => ({ http: 100, carrier: 102, transport: 110, typed: 150, wrapper: 112, fetch: 200 });
    const loads = [0, 40, -20, 10, 5, -5, 30];
    const cpu = Object.fromEntries(
      list.map(({ id }) => [id, loads.map((load) => round()[id as "http"] + load)]),
    );
    const samples = Object.fromEntries(list.map(({ id }) => [id, loads.map(() => 1000)]));
    return { concurrency: 1, results: summarise(list, samples, cpu) };
  };

  test("says what each step adds to the one it builds on, from differences within a round", () => {
    const text = renderReport({ machine: machine(), versions: versions(), command: "x", date: "d", overhead: ladder() });
    expect(text).toContain("## Where a call's CPU goes (concurrency 1)");
    // The rounds' load moves every step alike: the differences stay exact, with a zero-width interval.
    expect(text).toMatch(/\| 2\. carrier \| \d+ µs \| \+2\.0 µs \(\+2\.0 to \+2\.0\) \|/);
    expect(text).toMatch(/\| 3\. transport \| \d+ µs \| \+8\.0 µs \(\+8\.0 to \+8\.0\) \|/);
    // A step that does not build on the row above names the one it does.
    expect(text).toMatch(/\| 5\. wrapper \| \d+ µs \| \+2\.0 µs \(\+2\.0 to \+2\.0\) \(to step 3\) \|/);
    expect(text).toMatch(/\| bare fetch \| \d+ µs \| {2}\| \d+ % \|/);
  });
});
