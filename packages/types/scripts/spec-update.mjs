#!/usr/bin/env node
// `pnpm spec:update`: replaces the vendored specs in openapi/ from their upstream sources
// (openapi/sources.yaml), regenerates the types, reports what changed operation by
// operation, writes a changeset whose bump follows the report, and checks that the typed
// client and the wrapper still compile. `--help` lists the flags.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { diffSurfaces, operationIds } from "./diff.mjs";
import { generate, render, sameText } from "./generate.mjs";
import { affectedPackages, changesetFor, formatReport } from "./internal/report.mjs";
import { fetchSpecs, loadSources, resolveLocation, SpecSourceError } from "./internal/sources.mjs";
import { formatBreakage, verifyBuild } from "./internal/verify.mjs";
import { savepoint, writeAtomic } from "./internal/write.mjs";

export { SpecSourceError } from "./internal/sources.mjs";
export { formatBreakage } from "./internal/verify.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");

export const defaults = {
  openapiDir: join(root, "openapi"),
  outDir: resolve(here, "../src/generated"),
  changesetDir: join(root, ".changeset"),
  packagesDir: join(root, "packages"),
  verifyPackages: [join(root, "packages/fetch"), join(root, "packages/flow-control")],
  timeout: 30_000,
};

/**
 * @typedef {{
 *   openapiDir?: string, outDir?: string, changesetDir?: string, packagesDir?: string,
 *   sourcesFile?: string, sources?: Record<string, string[]>, dryRun?: boolean, verify?: boolean,
 *   verifyPackages?: string[], timeout?: number, fetch?: typeof fetch }} SpecUpdateOptions
 * @typedef {{
 *   report: import("./diff.mjs").Report, text: string, files: string[], dryRun: boolean,
 *   changeset: { file: string, content: string, packages: string[] } | null,
 *   verified: boolean, breakages: import("./internal/verify.mjs").Breakage[] }} SpecUpdateResult
 */

async function surfaceOf(specDir, what) {
  try {
    return await render({ specDir });
  } catch (error) {
    throw new SpecSourceError(`${what} do not generate: ${error.message}`);
  }
}

/**
 * Runs the whole update. Throws (having written nothing) when a source cannot be read or
 * the new specs do not generate.
 * @param {SpecUpdateOptions} [options]
 * @returns {Promise<SpecUpdateResult>}
 */
export async function specUpdate(options = {}) {
  const o = { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const sources = await loadSources(o.sourcesFile ?? join(o.openapiDir, "sources.yaml"), o.sources);
  const texts = await fetchSpecs(sources, { timeout: o.timeout, fetch: o.fetch });

  const staging = await mkdtemp(join(tmpdir(), "qstash-flow-spec-update-"));
  try {
    const specDir = join(staging, "openapi");
    await cp(o.openapiDir, specDir, { recursive: true });
    /** @type {string[]} */
    const changed = [];
    for (const [name, text] of Object.entries(texts)) {
      const current = await readFile(join(o.openapiDir, name), "utf8").catch(() => null);
      if (current !== text) changed.push(name);
      await writeFile(join(specDir, name), text);
    }
    const before = JSON.parse((await surfaceOf(o.openapiDir, "The current specs"))["combined.openapi.json"]);
    const files = await surfaceOf(specDir, "The updated specs");
    const after = JSON.parse(files["combined.openapi.json"]);
    const report = diffSurfaces(before, after);

    const typesName = JSON.parse(await readFile(join(here, "../package.json"), "utf8")).name;
    const packages = report.bump ? await affectedPackages(o.packagesDir, typesName, report.bump) : [];
    const note = changesetFor(report, packages);
    const changeset = note && { file: join(o.changesetDir, note.name), content: note.content, packages };

    // Comments cannot break a build; anything else is checked against the new types now,
    // so even a dry run says which operation would break the client or the wrapper.
    const verified = Boolean(o.verify) && (report.bump === "minor" || report.bump === "major");
    let breakages = [];
    if (verified) {
      const generatedDir = join(staging, "generated");
      await mkdir(generatedDir);
      for (const [name, text] of Object.entries(files)) await writeFile(join(generatedDir, name), text);
      breakages = await verifyBuild({
        generatedDir,
        packages: o.verifyPackages,
        packagesDir: o.packagesDir,
        rootDir: resolve(o.packagesDir, ".."),
        typesName,
        operations: [...operationIds(before), ...operationIds(after)],
        current: operationIds(after),
      });
    }

    const specFiles = changed.map((name) => join(o.openapiDir, name));
    const generated = [];
    for (const [name, text] of Object.entries(files)) {
      if (!sameText(await readFile(join(o.outDir, name), "utf8").catch(() => null), text))
        generated.push(join(o.outDir, name));
    }
    const planned = [...specFiles, ...generated, ...(changeset ? [changeset.file] : [])];
    if (!o.dryRun && planned.length) {
      const restore = await savepoint([...specFiles, ...(changeset ? [changeset.file] : [])], [o.outDir]);
      try {
        for (const name of changed) await writeAtomic(join(o.openapiDir, name), texts[name]);
        await generate({ specDir: o.openapiDir, outDir: o.outDir });
        if (changeset) await writeAtomic(changeset.file, changeset.content);
      } catch (error) {
        await restore();
        throw error;
      }
    }
    const dryRun = Boolean(o.dryRun);
    return { report, text: formatReport(report), files: planned, dryRun, changeset, verified, breakages };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

const HELP = `Usage: pnpm spec:update [-- options]

Replaces the vendored specs in openapi/ from their upstream sources, regenerates the
types, prints what changed per operation, writes a changeset and checks that
@qstash-flow/fetch and @qstash-flow/flow-control still compile.

Options:
  --source <file>=<url|path>  use this source for openapi/<file> instead of sources.yaml;
                              repeat for a file built from several pages
  --sources <path>            the sources config (default: <openapi-dir>/sources.yaml)
  --dry-run                   print the report and the changeset; write nothing
  --no-verify                 skip the compile check of the client and the wrapper
  --timeout <ms>              per-request timeout for URL sources (default 30000)
  --openapi-dir <path>        the specs folder (default: openapi/)
  --out-dir <path>            the generated types (default: packages/types/src/generated/)
  --changeset-dir <path>      where the changeset goes (default: .changeset/)
  --packages-dir <path>       the workspace packages (default: packages/)
  --verify-package <path>     a package to compile-check instead of fetch and flow-control; repeatable

Exit codes: 0 done, 1 failed and wrote nothing, 2 updated (or would) but a package no longer compiles.`;

/**
 * The command line as specUpdate options; relative paths are taken from `cwd`.
 * @param {string[]} argv
 * @param {string} cwd
 */
export function parseCli(argv, cwd) {
  const { values } = parseArgs({
    args: argv,
    options: {
      source: { type: "string", multiple: true },
      sources: { type: "string" },
      "dry-run": { type: "boolean" },
      "no-verify": { type: "boolean" },
      timeout: { type: "string" },
      "openapi-dir": { type: "string" },
      "out-dir": { type: "string" },
      "changeset-dir": { type: "string" },
      "packages-dir": { type: "string" },
      "verify-package": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  const path = (p) => (p === undefined ? undefined : resolve(cwd, p));
  /** @type {Record<string, string[]>} */
  const sources = {};
  for (const spec of values.source ?? []) {
    const eq = spec.indexOf("=");
    if (eq < 1 || eq === spec.length - 1) throw new SpecSourceError(`--source needs <file>=<url|path>, got "${spec}"`);
    const name = spec.slice(0, eq);
    sources[name] = [...(sources[name] ?? []), resolveLocation(spec.slice(eq + 1), cwd)];
  }
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    throw new SpecSourceError(`--timeout needs a positive number of milliseconds, got "${values.timeout}"`);
  }
  return {
    help: values.help,
    options: {
      sources,
      sourcesFile: path(values.sources),
      dryRun: values["dry-run"],
      verify: !values["no-verify"],
      timeout,
      openapiDir: path(values["openapi-dir"]),
      outDir: path(values["out-dir"]),
      changesetDir: path(values["changeset-dir"]),
      packagesDir: path(values["packages-dir"]),
      verifyPackages: values["verify-package"]?.map((p) => resolve(cwd, p)),
    },
  };
}

/** What the command prints after an update. */
export function summarize(result, cwd) {
  const show = (file) => relative(cwd, file) || ".";
  const lines = [result.text.trimEnd(), ""];
  const verb = result.dryRun ? "Would write" : "Wrote";
  if (result.files.length) lines.push(`${verb}:`, ...result.files.map((f) => `  ${show(f)}`), "");
  else lines.push("The vendored specs are already up to date; nothing written.", "");
  if (result.changeset) {
    lines.push(
      `Changeset ${show(result.changeset.file)} (${result.report.bump}: ${result.changeset.packages.join(", ")})`,
    );
    if (result.dryRun) lines.push("", result.changeset.content.trimEnd());
    lines.push("");
  }
  if (!result.verified) {
    const why =
      result.report.bump === null || result.report.bump === "patch" ? "the types' shape did not change" : "--no-verify";
    lines.push(`Build check: skipped (${why}).`);
  } else if (!result.breakages.length)
    lines.push("Build check: the client and the wrapper compile against the new types.");
  else
    lines.push("Build check: the new types break the build:", ...result.breakages.map((b) => `  ${formatBreakage(b)}`));
  return `${lines.join("\n")}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Through `pnpm spec:update` (turbo, then pnpm) the script runs in packages/types; paths
  // on the command line are meant relative to where the command was typed.
  const cwd = process.env.TURBO_INVOCATION_DIR ?? process.env.INIT_CWD ?? process.cwd();
  try {
    const { help, options } = parseCli(process.argv.slice(2), cwd);
    if (help) {
      console.log(HELP);
    } else {
      const result = await specUpdate(options);
      process.stdout.write(summarize(result, cwd));
      if (result.breakages.length) process.exitCode = 2;
    }
  } catch (error) {
    console.error(`spec:update failed, nothing was written.\n${error.message}`);
    process.exitCode = 1;
  }
}
