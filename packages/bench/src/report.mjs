// Renders a benchmark run as Markdown: printed to the terminal and written to BENCHMARKS.md.
import { table } from "./markdown.mjs";
import { overheadSection, throughputSection } from "./report-calls.mjs";
import { devServerSection } from "./report-devserver.mjs";
import { ms, whole } from "./stats.mjs";

const bytes = (n) => `${whole(n)} B`;

function machineSection({ machine, versions, command, date }) {
  return [
    `Written by \`${command}\` on ${date}. Do not edit: rerun the command, which rewrites this file.`,
    "",
    table(
      ["machine", ""],
      [
        ["CPU", `${machine.cpu}, ${machine.cores} cores`],
        ["memory", `${machine.memoryGiB} GiB`],
        ["Node.js", machine.node],
        ["OS", machine.os],
        ["load average at start (1, 5, 15 min)", machine.load.join(", ")],
      ],
    ),
    "",
    table(
      ["package", "version"],
      Object.entries(versions).map(([name, version]) => [`\`${name}\``, version]),
    ),
  ].join("\n");
}

function targetsSection(targets) {
  const missed = targets.filter((t) => t.met === false).length;
  const unclear = targets.filter((t) => t.met === null).length;
  const summary = [
    missed && `**${missed} of ${targets.length} targets missed.**`,
    unclear && `**${unclear} of ${targets.length} too close to call on this machine.**`,
  ].filter(Boolean);
  return [
    "## Targets",
    "",
    summary.length
      ? `${summary.join(" ")} See packages/bench/README.md for why and what would fix it.`
      : `All ${targets.length} targets met.`,
    "",
    "Sizes are exact. Timings come with a distribution-free confidence interval (at least 95 %) for the median over " +
      "rounds: a timing target is met or missed only when the whole interval is on one side of the line, and " +
      '"within noise" when the interval straddles it, so this run cannot tell.',
    "",
    table(
      ["target", "measured", "met"],
      targets.map((t) => [t.target, t.measured, t.met === null ? "within noise" : t.met ? "yes" : "**NO**"]),
    ),
  ].join("\n");
}

function budgetsSection(budgets) {
  const over = budgets.filter((b) => b.limitBytes > b.targetBytes);
  const lines = [
    "## Size budgets in CI",
    "",
    "`pnpm size` (size-limit, same esbuild options as below) fails CI when a bundle outgrows its budget. " +
      "size-limit subtracts the 32 B that an empty esbuild bundle gzips to, so it reports 32 B less than the table below.",
    "",
    table(
      ["bundle", "budget (gzipped)", "target"],
      budgets.map((b) => [b.name, b.limit, `${bytes(b.targetBytes)}`]),
    ),
  ];
  if (over.length) {
    lines.push(
      "",
      `> **WARNING: ${over.length === budgets.length ? "every" : "some"} size budget is above its target.** ` +
        "The bundles do not meet the target yet, so the budgets are set at today's size rounded up, to stop " +
        "further growth without failing CI. Lower them to the target as soon as the bundles fit; never raise them silently.",
    );
  }
  return lines.join("\n");
}

function bundleSection(bundles) {
  return [
    "## Bundle size: an app that only calls `pause` once",
    "",
    "Bundled with esbuild for the browser (ESM, minified, tree-shaken); gzip level 9. " +
      '"Other operations" lists which of `resume`, `resetRate`, `globalParallelism`, `/pin`, `/unpin` appear in the bundle.',
    "",
    table(
      ["app", "minified", "gzipped", "other operations", "minified bytes by package"],
      bundles.map((b) => [
        b.label,
        bytes(b.minified),
        bytes(b.gzipped),
        b.others.length ? b.others.join(", ") : "none",
        b.inputs.map((i) => `${i.path} ${whole(i.bytes)}`).join(", "),
      ]),
      ["", "r", "r", "", ""],
    ),
  ].join("\n");
}

function coldStartSection(coldStart) {
  return [
    "## Cold start",
    "",
    "A fresh `node` process that imports the package and constructs a client: wall time from spawn to exit, and the " +
      "CPU time the process reports having used (Node's own start-up included; compare with the floor). Medians.",
    "",
    table(
      ["script", "wall, median", "fastest", "slowest", "CPU, median", "runs"],
      coldStart.map((r) => [
        r.label,
        ms(r.median),
        ms(Math.min(...r.runs)),
        ms(Math.max(...r.runs)),
        ms(r.cpu),
        r.runs.length,
      ]),
      ["", "r", "r", "r", "r", "r"],
    ),
  ].join("\n");
}

function codegenSection({ codegen, build }) {
  const rows = [];
  if (codegen) {
    rows.push(
      [
        "`render()` on the vendored specs in openapi/",
        ms(codegen.vendored.median),
        `${codegen.vendored.files} files, ${bytes(codegen.vendored.bytes)}`,
      ],
      [
        `\`render()\` on a synthetic spec of ${codegen.large.operations} operations`,
        ms(codegen.large.median),
        `${codegen.large.files} files, ${bytes(codegen.large.bytes)}`,
      ],
    );
  }
  if (build) {
    rows.push(
      build.ok
        ? [
            `warm \`pnpm build\`${build.scope ? ` (${build.scope})` : ""}`,
            ms(build.median),
            build.fullTurbo
              ? `every task a turbo cache hit (${build.cached})`
              : `**not** a full cache hit: ${build.cached}`,
          ]
        : ["warm `pnpm build`", "failed", build.error.replaceAll("\n", " ").slice(0, 300)],
    );
  }
  return [
    "## Code generation and build",
    "",
    `\`render()\` is the generator in scripts/spec/generate.mjs (what \`pnpm generate\` runs: lint, selection, merge, openapi-typescript), without writing files; median of ${codegen?.vendored.runs.length ?? 0} runs in one process. The warm build is timed after one untimed run.`,
    "",
    table(["what", "median", "output"], rows, ["", "r", ""]),
  ].join("\n");
}

function typecheckSection(typecheck) {
  return [
    "## Type-check cost",
    "",
    "`tsc --noEmit --extendedDiagnostics` over one consumer file that calls every operation (packages/bench/typecheck/), " +
      "with the workspace's strict compiler options; medians. The process's wall time includes starting Node and tsc; " +
      "tsc's own total and check times do not. Instantiations and types are the compiler's counters and do not vary.",
    "",
    table(
      ["consumer", "tsc process, wall", "tsc total time", "check time", "instantiations", "types", "memory"],
      typecheck.map((t) => [
        t.label,
        ms(t.wall),
        ms(t.total),
        ms(t.check),
        whole(t.instantiations),
        whole(t.types),
        `${whole(t.memoryK / 1024)} MiB`,
      ]),
      ["", "r", "r", "r", "r", "r", "r"],
    ),
  ].join("\n");
}

/** The whole report. Sections whose results are missing (a partial run) are left out. */
export function renderReport(run) {
  const parts = ["# Benchmarks", machineSection(run)];
  if (run.targets?.length) parts.push(targetsSection(run.targets));
  if (run.budgets) parts.push(budgetsSection(run.budgets));
  if (run.throughput) parts.push(throughputSection(run.throughput, run.equivalence));
  for (const ladder of run.overhead ?? []) parts.push(overheadSection(ladder));
  if (run.devServer) parts.push(devServerSection(run.devServer));
  if (run.bundles) parts.push(bundleSection(run.bundles));
  if (run.coldStart) parts.push(coldStartSection(run.coldStart));
  if (run.codegen || run.build) parts.push(codegenSection(run));
  if (run.typecheck) parts.push(typecheckSection(run.typecheck));
  return `${parts.join("\n\n")}\n`;
}
