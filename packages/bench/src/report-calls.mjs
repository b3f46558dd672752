// The per-call sections of the report: throughput against bare `http.request` and bare
// fetch, and the overhead ladder that says where a call's CPU goes.
import { table } from "./markdown.mjs";
import { median, medianInterval, percent, whole, withInterval } from "./stats.mjs";
import { HTTP_CPU_TARGET_RATIO, HTTP_TARGET_RATIO } from "./targets.mjs";

export function throughputSection(throughput, equivalence) {
  const lines = ["## Per-call throughput: `pause(key)`", ""];
  if (equivalence) {
    const sample = Object.values(equivalence.requests)[0];
    lines.push(
      equivalence.problems.length
        ? `**The contestants sent different requests:**\n${equivalence.problems.map((p) => `- ${p}`).join("\n")}`
        : `Checked first: all of them sent the same request (\`${sample.method} ${sample.url}\`, the same Authorization header, no body).`,
      "",
    );
  }
  const side = sideBySide(throughput);
  if (side) lines.push(side, "");
  lines.push(
    "How it is measured (src/throughput.mjs): one loopback HTTP server in a separate Node process answers 200 with an " +
      "empty body. At each concurrency the contestants warm up, then run in rounds: " +
      `${throughput.map(plan).join("; ")}. ` +
      "In a round each contestant makes its calls in turn, the order rotating by one contestant from round to round, " +
      "and each turn starts with a full garbage collection (`node --expose-gc`), so that no contestant pays for " +
      "another's garbage. A contestant's ops/s is the median of its rounds. Its ratio to bare `http.request` (or bare " +
      "fetch) is the median over rounds of its ops/s divided by bare `http.request`'s (or bare fetch's) in the same " +
      "round, with (in brackets) a distribution-free confidence interval of at least 95 % for that median. Client CPU " +
      "per call is the benchmark process's CPU time (user + system) during a turn divided by its calls, median over " +
      "rounds; the CPU ratio is that median over bare `http.request`'s. On a shared machine CPU moves far less than " +
      "ops/s, so it is the better figure for comparing per-call overhead.",
  );
  for (const { concurrency, ops, results } of throughput) {
    lines.push(
      "",
      `### Concurrency ${concurrency} (${results[0]?.rounds.length ?? 0} rounds of ${whole(ops)} calls each)`,
      "",
      table(
        [
          "client",
          "median ops/s",
          "vs bare fetch",
          "vs bare http.request",
          "client CPU per call",
          "CPU vs http.request",
          "slowest-fastest round (ops/s)",
        ],
        results.map((r) => [
          r.label,
          whole(r.median),
          withInterval(r.ratios),
          r.httpRatios?.length ? withInterval(r.httpRatios) : "",
          `${whole(r.cpuMicros)} µs`,
          Number.isFinite(r.cpuRatio) ? percent(r.cpuRatio) : "",
          `${whole(Math.min(...r.rounds))}-${whole(Math.max(...r.rounds))}`,
        ]),
        ["", "r", "r", "r", "r", "r", ""],
      ),
    );
  }
  return lines.join("\n");
}

/** One concurrency's plan as run: its rounds, calls per round, warm-up, and how long bare http.request's median round took. */
function plan({ concurrency, ops, warmupOps, results }) {
  const http = results.find((r) => r.id === "http");
  const warmup = warmupOps === undefined ? "" : `${whole(warmupOps)} warm-up calls each, then `;
  const lasted = http ? ` (bare \`http.request\`'s median round lasting ${whole((ops / http.median) * 1000)} ms)` : "";
  return `at concurrency ${concurrency}, ${warmup}${results[0]?.rounds.length ?? 0} rounds of ${whole(ops)} calls${lasted}`;
}

/**
 * Issue 28's comparison: our two clients against bare keep-alive `http.request` (and the
 * wrapper against bare fetch), one column per concurrency. Nothing when bare
 * `http.request` was not measured.
 */
function sideBySide(throughput) {
  const columns = throughput.map(({ results }) => Object.fromEntries(results.map((r) => [r.id, r])));
  if (!columns.some((c) => c.http)) return undefined;
  const calls = (id) => (c) => (c[id]?.httpRatios?.length ? withInterval(c[id].httpRatios) : "-");
  const cpu = (id) => (c) =>
    c[id] && c.http && Number.isFinite(c[id].cpuRatio)
      ? `${percent(c[id].cpuRatio)} (${whole(c[id].cpuMicros)} vs ${whole(c.http.cpuMicros)} µs)`
      : "-";
  const rows = [
    [
      `\`FlowControl#pause\` / bare \`http.request\` (keep-alive agent), calls/s; target >= ${percent(HTTP_TARGET_RATIO)}`,
      calls("wrapper"),
    ],
    [
      `\`FlowControl#pause\` / bare \`http.request\`, CPU per call; target <= ${percent(HTTP_CPU_TARGET_RATIO)}`,
      cpu("wrapper"),
    ],
    [`typed client \`POST\` / bare \`http.request\`, calls/s; target >= ${percent(HTTP_TARGET_RATIO)}`, calls("typed")],
    [
      `typed client \`POST\` / bare \`http.request\`, CPU per call; target <= ${percent(HTTP_CPU_TARGET_RATIO)}`,
      cpu("typed"),
    ],
    [
      "`FlowControl#pause` / bare `fetch`, calls/s",
      (c) => (c.wrapper?.ratios?.length ? withInterval(c.wrapper.ratios) : "-"),
    ],
  ];
  return [
    "### Ours against bare `http.request` with a keep-alive agent",
    "",
    "Calls/s: the median over rounds of the per-round ratio, in brackets its interval of at least 95 % (none under 6 " +
      "rounds). CPU per call: the ratio of the medians (ours vs bare `http.request`'s µs). Targets of issue 28.",
    "",
    table(
      ["ratio", ...throughput.map(({ concurrency }) => `concurrency ${concurrency}`)],
      rows.map(([label, cell]) => [label, ...columns.map(cell)]),
      ["", ...throughput.map(() => "r")],
    ),
  ].join("\n");
}

/**
 * The overhead ladder: each step's CPU per call and what it adds to the step it builds on,
 * as the median of the per-round differences (the two ran in the same round) with its
 * interval, so that a step's cost is read apart from the load that moved the whole round.
 */
export function overheadSection({ concurrency, results }) {
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  const http = byId.http;
  // What a step adds to the one it builds on, from one figure's rounds (`roundsOf`).
  const added = (r, roundsOf = (x) => x.cpuRounds) => {
    const base = r.after && byId[r.after];
    if (!base || !roundsOf(r) || !roundsOf(base)) return "";
    const differences = roundsOf(r).map((value, round) => value - roundsOf(base)[round]);
    const interval = medianInterval(differences);
    const signed = (value) => `${value < 0 ? "-" : "+"}${Math.abs(value).toFixed(1)}`;
    const step = base === byId[results[results.indexOf(r) - 1]?.id] ? "" : ` (to step ${base.label.split(".")[0]})`;
    return `${signed(median(differences))} µs${interval ? ` (${signed(interval.low)} to ${signed(interval.high)})` : ""}${step}`;
  };
  return [
    `## Where a call's CPU goes (concurrency ${concurrency})`,
    "",
    "From bare keep-alive `http.request` to our clients, each step adds one part of what they do on every call " +
      "(src/overhead.mjs), measured as the throughput section measures (same server, rounds, a collection before " +
      `each turn; ${results[0]?.cpuRounds.length ?? 0} rounds). "Adds" is the median over rounds of this step's CPU ` +
      "per call minus the step's it builds on in the same round, with an interval of at least 95 %: an interval " +
      "across zero is a cost this run cannot tell from noise.",
    "",
    table(
      ["step", "client CPU per call", "adds", "vs bare http.request", "median ops/s"],
      results.map((r) => [
        r.label,
        `${whole(r.cpuMicros)} µs`,
        added(r),
        http ? percent(r.cpuMicros / http.cpuMicros) : "",
        whole(r.median),
      ]),
      ["", "r", "r", "r", "r"],
    ),
    ...(results.some((r) => r.turnaroundRounds) ? turnaroundTable(results, added) : []),
  ].join("\n");
}

/** Each step's turnaround (turnaround.mjs) and what it adds, from the turnaround rounds. */
function turnaroundTable(results, added) {
  const rounds = results.find((r) => r.turnaroundRounds)?.turnaroundRounds.length ?? 0;
  const micros = (value) => value.toFixed(1);
  return [
    "",
    "Turnaround: the wall time from a reply's bytes arriving to the next request's bytes leaving, the client's " +
      `part of each call's critical path (src/turnaround.mjs; ${rounds} rounds of their own, each the median of ` +
      "its calls; the median of the rounds with its interval). On a machine whose idle cores sleep, each µs of it " +
      "can cost more than a µs of CPU.",
    "",
    table(
      ["step", "turnaround", "adds"],
      results.map((r) => [
        r.label,
        r.turnaroundRounds ? withInterval(r.turnaroundRounds, micros, " µs") : "",
        added(r, (x) => x.turnaroundRounds),
      ]),
      ["", "r", "r"],
    ),
  ];
}
