#!/usr/bin/env node
// `pnpm spec:update`: replaces vendored specs in openapi/ from their sources, lints and
// merges them as openapi/surface.yaml declares, compares the selected surface with the
// committed one (packages/types/src/generated/combined.openapi.json), regenerates the
// types, writes a changeset for what changed, and type-checks the packages built on them.
// All or nothing: every step runs on a staged copy before anything is written.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { GENERATED_DIR, renderSurface, SURFACE_FILE, staleFiles, writeGenerated } from "./generate.mjs";
import { SpecError } from "./internal/errors.mjs";
import { changesetFor, diffSurfaces, formatReport, outsideChanges } from "./internal/report.mjs";
import { resolveLocation, sourcesToRead, specText } from "./internal/sources.mjs";
import { formatBreakage, verifyBuild } from "./internal/verify.mjs";
import { savepoint, writeAtomic } from "./internal/write.mjs";
import { formatConflict, loadSurface, operationsOf, ROOT } from "./surface.mjs";

export { SpecError } from "./internal/errors.mjs";

export const defaults = {
  openapiDir: join(ROOT, "openapi"),
  outDir: GENERATED_DIR,
  changesetDir: join(ROOT, ".changeset"),
  packagesDir: join(ROOT, "packages"),
  verifyPackages: [join(ROOT, "packages/fetch"), join(ROOT, "packages/flow-control")],
  typesName: "@qstash-flow/types",
  verify: true,
  timeout: 30_000,
};

/**
 * @param {Partial<typeof defaults> & { sources?: Record<string, string>, dryRun?: boolean, fetch?: typeof fetch }} [options]
 *   `sources`: file -> resolved location; only these files are replaced
 */
export async function specUpdate(options = {}) {
  const o = { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const staging = await mkdtemp(join(tmpdir(), "qstash-flow-spec-update-"));
  try {
    const specDir = join(staging, "openapi");
    await cp(o.openapiDir, specDir, { recursive: true });
    const { specs: names } = parse(await readFile(join(o.openapiDir, "surface.yaml"), "utf8").catch(() => "{}")) ?? {};
    const sources = await sourcesToRead(join(o.openapiDir, "sources.yaml"), names ?? [], o.sources ?? {});
    const files = {};
    const changed = {};
    for (const [name, location] of Object.entries(sources)) {
      const text = await specText(location, o);
      const path = join(specDir, name);
      await writeFile(path, text);
      files[name] = { path, label: `openapi/${name} (from ${location})` };
      if (text !== (await readFile(join(o.openapiDir, name), "utf8").catch(() => null))) changed[name] = text;
    }
    const surface = await loadSurface({ openapiDir: specDir, files });
    const generated = await renderSurface(surface);

    // The "before" is what is committed, never a re-merge of the old specs under today's rules.
    const committed = await readFile(join(o.outDir, SURFACE_FILE), "utf8").catch(() => null);
    const before = committed === null ? { openapi: "3.1.0", info: {}, paths: {} } : JSON.parse(committed);
    const report = await diffSurfaces(before, surface.doc);
    const selected = new Set(surface.specs.flatMap((s) => s.ids));
    let outside = 0;
    for (const name of Object.keys(sources)) {
      const old = await readFile(join(o.openapiDir, name), "utf8").then(parse, () => ({}));
      outside += outsideChanges(old, surface.specs[surface.config.specs.indexOf(name)].doc, selected);
    }
    // Dependents import the types rather than copy them: their published files do not change
    // (changesets bumps them when the new version leaves their range).
    const note = changesetFor(report, [o.typesName]);
    const changeset = note && { file: join(o.changesetDir, note.name), content: note.content };

    let breakages = [];
    const verified = o.verify && (report.bump === "minor" || report.bump === "major");
    if (verified) {
      const generatedDir = join(staging, "generated");
      await mkdir(generatedDir);
      for (const [name, text] of Object.entries(generated)) await writeFile(join(generatedDir, name), text);
      breakages = await verifyBuild({
        generatedDir,
        packages: o.verifyPackages,
        packagesDir: o.packagesDir,
        rootDir: resolve(o.packagesDir, ".."),
        typesName: o.typesName,
        operations: [...operationsOf(before).keys(), ...operationsOf(surface.doc).keys()],
        current: operationsOf(surface.doc).keys(),
      });
    }

    const { stale, removed } = await staleFiles(generated, o.outDir);
    const planned = [
      ...Object.keys(changed).map((name) => join(o.openapiDir, name)),
      ...[...stale, ...removed].map((name) => join(o.outDir, name)),
      ...(changeset ? [changeset.file] : []),
    ];
    if (!o.dryRun && planned.length) {
      const restore = await savepoint(planned, [o.outDir]);
      try {
        for (const [name, text] of Object.entries(changed)) await writeAtomic(join(o.openapiDir, name), text);
        await writeGenerated(generated, o.outDir);
        if (changeset) await writeAtomic(changeset.file, changeset.content);
      } catch (error) {
        await restore();
        throw error;
      }
    }
    return {
      report,
      text: formatReport(report),
      outside,
      conflicts: surface.conflicts,
      idle: surface.idle,
      files: planned,
      dryRun: Boolean(o.dryRun),
      changeset,
      verified,
      breakages,
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

const HELP = `Usage: pnpm spec:update [-- options]

Replaces the vendored specs in openapi/ from their sources (openapi/sources.yaml), lints
and merges them as openapi/surface.yaml declares, prints what changed in the selected
operations, regenerates the types, writes a changeset and type-checks the packages.

Options:
  --source <file>=<url|path>  read openapi/<file> from here (https URL, file: URL or path);
                              with any --source, the other files stay as vendored
  --dry-run                   print the report and the changeset; write nothing
  --no-verify                 skip the type check of @qstash-flow/fetch and @qstash-flow/flow-control
  --timeout <ms>              per-request timeout for URLs (default 30000)
  --openapi-dir, --out-dir, --changeset-dir, --packages-dir <path>   other folders (tests)
  --verify-package <path>     a package to type-check instead; repeatable

Exit codes: 0 done, 1 failed and wrote nothing, 2 updated (or would) but a package no longer compiles.`;

/** The command line as options; relative paths are taken from `cwd`. */
export function parseCli(argv, cwd) {
  const { values } = parseArgs({
    args: argv,
    options: {
      source: { type: "string", multiple: true },
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
  const sources = {};
  for (const entry of values.source ?? []) {
    const [, name, location] = /^([^=]+)=(.+)$/.exec(entry) ?? [];
    if (!name) throw new SpecError("SPEC_CONFIG", `--source needs <file>=<url|path>, got "${entry}"`);
    if (name in sources) throw new SpecError("SPEC_CONFIG", `--source names ${name} twice; a file has one source`);
    sources[name] = resolveLocation(location, cwd);
  }
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    throw new SpecError("SPEC_CONFIG", `--timeout needs a positive number of milliseconds, got "${values.timeout}"`);
  }
  return {
    help: values.help,
    options: {
      sources,
      dryRun: values["dry-run"],
      verify: !values["no-verify"],
      timeout,
      openapiDir: path(values["openapi-dir"]),
      outDir: path(values["out-dir"]),
      changesetDir: path(values["changeset-dir"]),
      packagesDir: path(values["packages-dir"]),
      verifyPackages: values["verify-package"]?.map(path),
    },
  };
}

/** What the command prints after an update. */
export function summarize(result, cwd) {
  const show = (file) => relative(cwd, file) || ".";
  const lines = [result.text.trimEnd()];
  if (result.outside)
    lines.push(
      `${result.outside} operation${result.outside === 1 ? "" : "s"} outside the selection changed (carried along, not generated).`,
    );
  if (result.conflicts.length)
    lines.push("", "Conflicts in the selection:", ...result.conflicts.map((c) => `  ${formatConflict(c)}`));
  for (const file of result.idle) {
    lines.push(
      "",
      `${file} contributes nothing to the generated types: every selected entry it defines comes from a spec before it in openapi/surface.yaml.`,
    );
  }
  lines.push("");
  const verb = result.dryRun ? "Would write" : "Wrote";
  if (result.files.length) lines.push(`${verb}:`, ...result.files.map((f) => `  ${show(f)}`), "");
  else lines.push("Nothing to write: the specs and the generated types are up to date.", "");
  if (result.changeset) {
    lines.push(`Changeset ${show(result.changeset.file)} (${result.report.bump})`);
    if (result.dryRun) lines.push("", result.changeset.content.trimEnd());
  } else lines.push("No changeset: nothing in the selection changed.");
  if (!result.verified)
    lines.push(
      `Build check: skipped (${result.report.bump === "minor" || result.report.bump === "major" ? "--no-verify" : "the types' shape did not change"}).`,
    );
  else if (!result.breakages.length) lines.push("Build check: the packages compile against the new types.");
  else
    lines.push("Build check: the new types break the build:", ...result.breakages.map((b) => `  ${formatBreakage(b)}`));
  return `${lines.join("\n")}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Through `pnpm spec:update` the script runs at the root; paths typed on the command
  // line are relative to where they were typed.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  try {
    const { help, options } = parseCli(
      process.argv.slice(2).filter((a) => a !== "--"),
      cwd,
    );
    if (help) console.log(HELP);
    else {
      const result = await specUpdate(options);
      process.stdout.write(summarize(result, cwd));
      if (result.breakages.length) process.exitCode = 2;
    }
  } catch (error) {
    const message = error instanceof SpecError ? `${error.code}: ${error.message}` : error.stack;
    console.error(`spec:update failed, nothing was written.\n${message}`);
    process.exitCode = 1;
  }
}
