// The per-call sections: issue 28's targets and table against bare http.request, and the
// overhead ladder (report-calls.mjs, targets.mjs).
import { describe, expect, test } from "vitest";
import { machine, versions } from "./machine.mjs";
import { renderReport } from "./report.mjs";
import { evaluateTargets } from "./targets.mjs";
import { summarise } from "./throughput.mjs";

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
      // The run as before issue 28: no bare http.request among the contestants.
      throughput: [{ ...againstHttp(1), results: againstHttp(1).results.filter((r) => r.id !== "http") }],
    });
    expect(text).toContain("### Concurrency 1");
    expect(text).not.toContain("### Ours against bare `http.request`");
  });
});

describe("the overhead ladder", () => {
  // Seven rounds' CPU per call, each round under its own load; each step's cost is read against the step it builds on, round by round.
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
    const cpu = Object.fromEntries(list.map(({ id }) => [id, loads.map((load) => round()[id as "http"] + load)]));
    const samples = Object.fromEntries(list.map(({ id }) => [id, loads.map(() => 1000)]));
    return { concurrency: 1, results: summarise(list, samples, cpu) };
  };
  const report = (overhead: unknown[]) =>
    renderReport({ machine: machine(), versions: versions(), command: "x", date: "d", overhead });

  test("says what each step adds to the one it builds on, from differences within a round", () => {
    const text = report([ladder()]);
    expect(text).toContain("## Where a call's CPU goes (concurrency 1)");
    // The rounds' load moves every step alike: the differences stay exact, with a zero-width interval.
    expect(text).toMatch(/\| 2\. carrier \| \d+ µs \| \+2\.0 µs \(\+2\.0 to \+2\.0\) \|/);
    expect(text).toMatch(/\| 3\. transport \| \d+ µs \| \+8\.0 µs \(\+8\.0 to \+8\.0\) \|/);
    // A step that does not build on the row above names the one it does.
    expect(text).toMatch(/\| 5\. wrapper \| \d+ µs \| \+2\.0 µs \(\+2\.0 to \+2\.0\) \(to step 3\) \|/);
    expect(text).toMatch(/\| bare fetch \| \d+ µs \| {2}\| \d+ % \|/);
    expect(text).not.toContain("Turnaround");
  });

  test("gives each step's turnaround and what it adds, from the turnaround rounds", () => {
    const { concurrency, results } = ladder();
    // Seven rounds of turnaround, each moved by its own load; the transport adds 6 µs to the carrier in every round.
    const own: Record<string, number> = { http: 30, carrier: 31, transport: 37, typed: 38, wrapper: 37.5, fetch: 60 };
    const loads = [0, 3, -1, 2, 1, -2, 4];
    const withTurnaround = results.map((r) => ({
      ...r,
      turnaroundRounds: loads.map((load) => (own[r.id] as number) + load),
    }));
    const text = report([{ concurrency, results: withTurnaround }]);
    expect(text).toContain("Turnaround: the wall time from a reply's bytes arriving");
    // Seven rounds: the median is the 4th value, its interval of at least 95 % the smallest to the largest.
    expect(text).toMatch(/\| 1\. floor \| 31\.0 µs \(28\.0-34\.0\) \| {2}\|/);
    expect(text).toMatch(/\| 3\. transport \| 38\.0 µs \(35\.0-41\.0\) \| \+6\.0 µs \(\+6\.0 to \+6\.0\) \|/);
    expect(text).toMatch(
      /\| 5\. wrapper \| 38\.5 µs \(35\.5-41\.5\) \| \+0\.5 µs \(\+0\.5 to \+0\.5\) \(to step 3\) \|/,
    );
  });

  test("gives a ladder per concurrency, each from its own rounds", () => {
    const one = ladder();
    // At 32 in flight every step costs half as much, the transport adding 4 µs to the carrier.
    const rounds = (pick: (r: (typeof one.results)[number]) => number[] | undefined, scale = 1) =>
      Object.fromEntries(one.results.map((r) => [r.id, (pick(r) ?? []).map((value) => value * scale)]));
    const halved = summarise(
      one.results.map(({ id, label, after }) => ({ id, label, ...(after && { after }) })),
      rounds((r) => r.rounds),
      rounds((r) => r.cpuRounds, 0.5),
    );
    const sections = report([one, { concurrency: 32, results: halved }]).split("## Where a call's CPU goes");
    expect(sections).toHaveLength(3);
    const [, at1, at32] = sections as [string, string, string];
    expect(at1).toMatch(/^ \(concurrency 1\)/);
    expect(at1).toMatch(/\| 3\. transport \| \d+ µs \| \+8\.0 µs \(\+8\.0 to \+8\.0\) \|/);
    expect(at32).toMatch(/^ \(concurrency 32\)/);
    expect(at32).toMatch(/\| 3\. transport \| \d+ µs \| \+4\.0 µs \(\+4\.0 to \+4\.0\) \|/);
  });
});
