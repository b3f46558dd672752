#!/usr/bin/env node
// `pnpm bench`: measures our clients against the official SDK and bare fetch, prints the
// report and writes it to BENCHMARKS.md at the repository root.
//   node --expose-gc src/run.mjs     everything (about 9 minutes on 2 cores)
//   node --expose-gc src/run.mjs --quick         a smoke run with tiny counts; writes nothing unless --out is given
//   node src/run.mjs --only bundle,throughput,devserver,cold,codegen,build,typecheck
//   node --expose-gc src/run.mjs --only overhead   where a call's CPU goes, step by step
//   node src/run.mjs --out FILE      write the report somewhere else
//   node --expose-gc src/run.mjs --only throughput --rounds 9   a shorter throughput run (wider intervals)
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BUDGETS, limitBytes } from "./budgets.mjs";
import { measureBundles } from "./bundle.mjs";
import { contestants } from "./clients.mjs";
import { measureCodegen, measureWarmBuild, REPO_ROOT } from "./codegen.mjs";
import { measureColdStart } from "./cold-start.mjs";
import { machine, versions } from "./machine.mjs";
import { startServerProcess } from "./loopback.mjs";
import { measureOverhead } from "./overhead.mjs";
import { renderReport } from "./report.mjs";
import { BUNDLE_TARGETS, evaluateTargets } from "./targets.mjs";
import { checkEquivalence, measureThroughput } from "./throughput.mjs";
import { measureDevServerMemory, measureDevServerThroughput } from "./devserver.mjs";
import { measureTypecheck } from "./typecheck.mjs";

const SECTIONS = ["bundle", "throughput", "overhead", "devserver", "cold", "codegen", "build", "typecheck"];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string" },
    rounds: { type: "string" },
  },
});
const only = values.only ? values.only.split(",").map((s) => s.trim()) : SECTIONS;
const unknown = only.filter((s) => !SECTIONS.includes(s));
if (unknown.length) {
  console.error(`unknown section(s) ${unknown.join(", ")}; expected some of ${SECTIONS.join(", ")}`);
  process.exit(2);
}
const quick = values.quick;
const out = values.out ?? (quick || values.only || values.rounds ? undefined : join(REPO_ROOT, "BENCHMARKS.md"));

const PLAN = quick
  ? {
      throughput: [
        { concurrency: 1, ops: 50, warmupOps: 20, rounds: 2 },
        { concurrency: 32, ops: 200, warmupOps: 64, rounds: 2 },
      ],
      overhead: [
        { concurrency: 1, ops: 50, warmupOps: 20, rounds: 2, references: true, turnaround: { ops: 50, rounds: 2 } },
        { concurrency: 32, ops: 200, warmupOps: 64, rounds: 2, references: false },
      ],
      devServer: {
        throughput: { messages: 100, concurrency: 32, rounds: 2, warmupRounds: 1 },
        memory: { messages: 6_000, blocks: 6, concurrency: 32 },
      },
      coldRuns: 2,
      codegen: { operations: 20, runs: 1 },
      buildRuns: 1,
      typecheckRuns: 1,
    }
  : {
      throughput: [
        // Rounds of about a second (for bare http.request on 2 busy cores), each after a full
        // collection: short enough that contestants back to back see the same load from
        // elsewhere on a shared machine, long enough that a round's own garbage is collected
        // within it. Shorter rounds without the collection charged each contestant for the
        // garbage of the one before it (V8 collects on helper threads, which the process CPU
        // time counts): rounds of 300 calls charged our client up to 0.75x bare fetch's CPU
        // per call; alone in a process it uses 0.4x. 25 rounds: with 15 the interval of a
        // median ratio of 92-98 % reached down to 88-89 % in most of seven runs; the interval
        // of 25 lies between their 8th and 18th values, of 15 between the 4th and 12th.
        // Issue 28's rounds of about a second: 4,000 and 10,000 calls, as earlier, took bare
        // http.request 0.64 s and 0.49 s in a run of 2026-12-07.
        { concurrency: 1, ops: 6000, warmupOps: 2000, rounds: 25 },
        { concurrency: 32, ops: 20000, warmupOps: 5000, rounds: 25 },
      ],
      // Steps cost a few µs each, near the noise of a shared machine: 21 rounds of about a
      // quarter of a second each (eleven contestants per round) narrow each step's interval.
      // At 32 in flight, where the targets are closest, rounds of 10,000 calls (about half a
      // second of bare http.request), and the steps only (the throughput section has the
      // references).
      overhead: [
        {
          concurrency: 1,
          ops: 1500,
          warmupOps: 1000,
          rounds: 21,
          references: true,
          turnaround: { ops: 1000, rounds: 9 },
        },
        { concurrency: 32, ops: 10000, warmupOps: 5000, rounds: 21, references: false },
      ],
      devServer: {
        // Rounds of one contestant last about a second on 2 busy cores; 15 of them give the
        // median ratio a 95 % interval.
        throughput: { messages: 500, concurrency: 32, rounds: 15, warmupRounds: 1 },
        // The figure: 100,000 messages held, in 10 blocks (10 samples).
        memory: { messages: 100_000, blocks: 10, concurrency: 32 },
      },
      coldRuns: 15,
      codegen: { operations: 500, runs: 3 },
      buildRuns: 3,
      typecheckRuns: 3,
    };

if (values.rounds !== undefined) {
  const rounds = Number(values.rounds);
  if (!(Number.isSafeInteger(rounds) && rounds >= 2)) {
    console.error(`--rounds must be a whole number >= 2, got ${values.rounds}`);
    process.exit(2);
  }
  for (const plan of PLAN.throughput) plan.rounds = rounds;
}

const step = async (name, work) => {
  const start = performance.now();
  process.stderr.write(`bench: ${name}...`);
  const result = await work();
  process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  return result;
};

const run = {
  machine: machine(),
  versions: versions(),
  command: "pnpm bench",
  date: new Date().toISOString().slice(0, 10),
  budgets: BUDGETS.map((b) => ({ ...b, limitBytes: limitBytes(b.limit), targetBytes: BUNDLE_TARGETS[b.target] })),
};
if (values.only || quick) run.command = `pnpm --filter @qstash-flow/bench bench ${process.argv.slice(2).join(" ")}`;
let failed = false;

if (only.includes("bundle")) run.bundles = await step("bundle sizes", measureBundles);

// The method collects all garbage before each round (throughput.mjs): without it the
// figures would not be the ones BENCHMARKS.md describes.
if ((only.includes("throughput") || only.includes("overhead")) && typeof globalThis.gc !== "function") {
  console.error("bench: run with node --expose-gc (as `pnpm bench` does): each round starts with a full collection");
  process.exit(2);
}

if (only.includes("throughput")) {
  const server = await startServerProcess();
  try {
    const list = contestants(server.url);
    run.equivalence = await step("checking the requests are the same", () => checkEquivalence(server, list));
    if (run.equivalence.problems.length) failed = true;
    run.throughput = [];
    for (const plan of PLAN.throughput) {
      const measured = await step(`throughput at concurrency ${plan.concurrency}`, () => measureThroughput(list, plan));
      run.throughput.push({ ...measured, ops: plan.ops, warmupOps: plan.warmupOps });
    }
  } finally {
    await server.close();
  }
}

if (only.includes("overhead")) {
  const server = await startServerProcess();
  try {
    run.overhead = [];
    for (const plan of PLAN.overhead) {
      const ladder = await step(`per-call overhead ladder at concurrency ${plan.concurrency}`, () =>
        measureOverhead(server.url, plan),
      );
      run.overhead.push(ladder);
    }
  } finally {
    await server.close();
  }
}

if (only.includes("devserver")) {
  run.devServer = {
    throughput: await step("dev server: publish -> delivery", () =>
      measureDevServerThroughput(PLAN.devServer.throughput),
    ),
    memory: await step("dev server: memory per waiting message", () => measureDevServerMemory(PLAN.devServer.memory)),
  };
}

if (only.includes("cold")) run.coldStart = await step("cold start", () => measureColdStart({ runs: PLAN.coldRuns }));
if (only.includes("codegen")) run.codegen = await step("code generation", () => measureCodegen(PLAN.codegen));
if (only.includes("build")) {
  run.build = await step("warm pnpm build", () => {
    const full = measureWarmBuild({ runs: PLAN.buildRuns });
    if (full.ok) return full;
    // Another package failing to build says nothing about ours: time the bench's own dependencies.
    const scoped = measureWarmBuild({
      runs: PLAN.buildRuns,
      args: ["turbo", "run", "build", "--filter=@qstash-flow/bench..."],
    });
    return { ...scoped, scope: "the bench's dependencies only; the full `pnpm build` failed", fullError: full.error };
  });
}
if (only.includes("typecheck"))
  run.typecheck = await step("type-check", () => measureTypecheck({ runs: PLAN.typecheckRuns }));

run.targets = evaluateTargets({
  bundles: run.bundles,
  throughput: run.throughput,
  coldStart: run.coldStart,
  devServer: run.devServer,
});
const report = renderReport(run);
console.log(report);
if (out) {
  await writeFile(out, report);
  console.error(`bench: wrote ${out}`);
}
if (failed) {
  console.error("bench: the contestants did not send the same request; the throughput comparison is not valid.");
  process.exitCode = 1;
}
