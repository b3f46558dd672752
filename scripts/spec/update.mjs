#!/usr/bin/env node
// `pnpm spec:update`: replaces vendored specs in openapi/ from their sources, lints and
// merges them as openapi/surface.yaml declares, compares the selected surface with the
// committed one (combined.openapi.json: never a re-merge of the old specs), regenerates
// the types, writes a changeset and type-checks the packages built on them. Sources are
// read and checked in memory first; nothing is written on any failure.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { parseDocument } from "yaml";
import { GENERATED_DIR, renderSurface, SURFACE_FILE, staleFiles, writeGenerated } from "./generate.mjs";
import { main } from "./internal/errors.mjs";
import { changesetFor, diffSurfaces, formatReport, outsideChanges, plural } from "./internal/report.mjs";
import { resolveLocation, sourcesToRead, specText } from "./internal/sources.mjs";
import { formatBreakage, verifyBuild } from "./internal/verify.mjs";
import { writeAll } from "./internal/write.mjs";
import { formatConflict, loadSurface, ROOT, readSurfaceConfig } from "./surface.mjs";

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

/** Reads the sources, writing nothing: { name: { label, text, old, changed } }. */
async function stage(o) {
  const { specs } = await readSurfaceConfig(o.openapiDir);
  const staged = {};
  const sources = await sourcesToRead(join(o.openapiDir, "sources.yaml"), specs, o.sources);
  for (const [name, location] of Object.entries(sources)) {
    const text = await specText(location, o);
    const old = await readFile(join(o.openapiDir, name), "utf8").catch(() => null);
    const label = `openapi/${name} (from ${location})`;
    staged[name] = { label, text, old: parseDocument(old ?? "").toJS(), changed: text !== old };
  }
  return staged;
}

/** @param {Partial<typeof defaults> & { sources?: Record<string, string>, dryRun?: boolean, fetch?: typeof fetch }} [options] */
export async function specUpdate(options = {}) {
  const o = { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const staged = await stage(o);
  const surface = await loadSurface({ openapiDir: o.openapiDir, files: staged });
  const generated = await renderSurface(surface);
  const committed = await readFile(join(o.outDir, SURFACE_FILE), "utf8").catch(() => null);
  const none = { openapi: "3.1.0", info: { title: "", version: "" }, paths: {} };
  const report = await diffSurfaces(committed ? JSON.parse(committed) : none, surface.doc);
  const selected = new Set(surface.specs.flatMap((s) => s.ids));
  let outside = 0;
  for (const [name, s] of Object.entries(staged))
    outside += outsideChanges(s.old, surface.specs[surface.config.specs.indexOf(name)].doc, selected);
  // Dependents import the types rather than copy them: their published files do not
  // change, and changesets bumps them when the new version leaves their range.
  const note = changesetFor(report, [o.typesName]);
  const changeset = note && { file: join(o.changesetDir, note.name), content: note.content };

  const verified = o.verify && (report.bump === "minor" || report.bump === "major");
  let breakages = [];
  if (verified) {
    const generatedDir = await mkdtemp(join(tmpdir(), "qstash-flow-spec-update-"));
    try {
      await writeGenerated(generated, generatedDir);
      const { packagesDir, typesName } = o;
      breakages = verifyBuild({ generatedDir, packages: o.verifyPackages, packagesDir, typesName });
    } finally {
      await rm(generatedDir, { recursive: true, force: true });
    }
  }

  const { stale, removed } = await staleFiles(generated, o.outDir);
  const changes = Object.fromEntries([
    ...Object.entries(staged).flatMap(([name, s]) => (s.changed ? [[join(o.openapiDir, name), s.text]] : [])),
    ...stale.map((name) => [join(o.outDir, name), generated[name]]),
    ...removed.map((name) => [join(o.outDir, name), null]),
    ...(changeset ? [[changeset.file, changeset.content]] : []),
  ]);
  if (!o.dryRun) await writeAll(changes);
  const files = Object.keys(changes);
  const { conflicts, idle } = surface;
  const text = formatReport(report);
  return { report, text, outside, conflicts, idle, files, dryRun: Boolean(o.dryRun), changeset, verified, breakages };
}

/** The command: commander parses it; relative paths are taken from `cwd`. */
export function command(cwd) {
  const path = (p) => resolve(cwd, p);
  const paths = (p, list = []) => [...list, path(p)];
  const source = (entry, sources = {}) => {
    const [, name, location] = /^([^=]+)=(.+)$/.exec(entry) ?? [];
    if (!name) throw new InvalidArgumentError("expected <file>=<url|path>");
    if (name in sources) throw new InvalidArgumentError(`${name} is named twice; a file has one source`);
    return { ...sources, [name]: resolveLocation(location, cwd) };
  };
  const positive = (value) => {
    if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError("expected a positive number of milliseconds");
    return Number(value);
  };
  return new Command("spec:update")
    .description(
      "Replace vendored specs from their sources, report what changed in the selection, regenerate the types, write a changeset and type-check the packages.",
    )
    .option(
      "--source <file=url|path>",
      "read openapi/<file> from an https URL, a file: URL or a path (repeatable); the other files stay as vendored",
      source,
    )
    .option("--dry-run", "print the report and the changeset; write nothing")
    .option("--no-verify", "skip the type check of @qstash-flow/fetch and @qstash-flow/flow-control")
    .option("--verify-package <path>", "type-check this package instead (repeatable)", paths)
    .option("--timeout <ms>", "per-request timeout for URLs", positive)
    .option("--openapi-dir <path>", "the specs folder", path)
    .option("--out-dir <path>", "the generated types", path)
    .option("--changeset-dir <path>", "where the changeset goes", path)
    .option("--packages-dir <path>", "the workspace packages", path)
    .addHelpText(
      "after",
      "\nExit codes: 0 done, 1 failed and wrote nothing, 2 updated (or would) but a package no longer compiles.",
    );
}

const IDLE = "contributes nothing to the generated types: every selected entry it defines comes from a spec before it";

/** What the command prints after an update. */
export function summarize(result, cwd) {
  const { outside, conflicts, idle, files, changeset, report, breakages } = result;
  const show = (file) => `  ${relative(cwd, file)}`;
  const shaped = report.bump === "minor" || report.bump === "major";
  return `${[
    result.text.trimEnd(),
    outside ? `${plural(outside, "operation")} outside the selection changed (carried along, not generated).` : [],
    conflicts.length ? ["", "Conflicts in the selection:", ...conflicts.map((c) => `  ${formatConflict(c)}`)] : [],
    idle.map((file) => `\n${file} ${IDLE} in openapi/surface.yaml.`),
    "",
    files.length
      ? [`${result.dryRun ? "Would write" : "Wrote"}:`, ...files.map(show)]
      : "Nothing to write: the specs and the generated types are up to date.",
    "",
    changeset
      ? `Changeset ${relative(cwd, changeset.file)} (${report.bump})`
      : "No changeset: nothing in the selection changed.",
    changeset && result.dryRun ? ["", changeset.content.trimEnd(), ""] : [],
    !result.verified
      ? `Build check: skipped (${shaped ? "--no-verify" : "the types' shape did not change"}).`
      : breakages.length
        ? ["Build check: the new types break the build:", ...breakages.map((b) => `  ${formatBreakage(b)}`)]
        : "Build check: the packages compile against the new types.",
  ]
    .flat()
    .join("\n")}\n`;
}

await main(import.meta.url, "spec:update failed, nothing was written.\n", async () => {
  // `pnpm spec:update` runs at the root; paths typed on the command line are relative to where they were typed.
  const cwd = process.env.INIT_CWD || process.cwd();
  const program = command(cwd).exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 1));
  const { verifyPackage, source, ...options } = program.parse(process.argv.filter((a) => a !== "--")).opts();
  const result = await specUpdate({ ...options, sources: source, verifyPackages: verifyPackage });
  process.stdout.write(summarize(result, cwd));
  return result.breakages.length ? 2 : 0;
});
