#!/usr/bin/env node
// `pnpm spec:update`: replaces vendored specs in openapi/ from their sources, lints and
// merges them as openapi/surface.yaml declares, compares the selected surface with the
// committed one (combined.openapi.json: never a re-merge of the old specs), regenerates
// the types, writes a changeset and type-checks the packages built on them. Sources are
// read and checked in memory first; nothing is written on any failure.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { parseDocument } from "yaml";
import { GENERATED_DIR, pascal, renderSurface, SURFACE_FILE, staleFiles, writeGenerated } from "./generate.mjs";
import { formatFailure, runDependents } from "./internal/dependents.mjs";
import { main } from "./internal/errors.mjs";
import { operationsOf } from "./internal/openapi.mjs";
import { PROVENANCE_FILE, renderProvenance, sha256 } from "./internal/provenance.mjs";
import { bumpOf, changesetFor, diffSurfaces, formatReport, outsideChanges } from "./internal/report.mjs";
import { readSourcesConfig, readSpecSource, resolveLocation } from "./internal/sources.mjs";
import { formatBreakage, verifyBuild } from "./internal/verify.mjs";
import { writeAll } from "./internal/write.mjs";
import { formatConflict, loadSurface, ROOT, readSurfaceConfig } from "./surface.mjs";

export const defaults = {
  root: ROOT,
  openapiDir: join(ROOT, "openapi"),
  outDir: GENERATED_DIR,
  changesetDir: join(ROOT, ".changeset"),
  packagesDir: join(ROOT, "packages"),
  verifyPackages: [join(ROOT, "packages/fetch"), join(ROOT, "packages/flow-control")],
  typesName: "@qstash-flow/types",
  verify: true,
  test: false,
  timeout: 30_000,
};

/**
 * What to read for each spec: the --source overrides alone when there are any (nothing is
 * read for the other files), else every file of sources.yaml, from `repo` when given.
 */
async function sourcesOf(o, specs, config) {
  if (!config || Object.keys(o.sources ?? {}).length) {
    const unknown = Object.keys(o.sources).find((name) => !specs.includes(name));
    if (unknown)
      throw new InvalidArgumentError(
        `${unknown} is not one of the specs in openapi/surface.yaml (${specs.join(", ")})`,
      );
    const at = (location) => ({ location: resolveLocation(location, process.cwd()) });
    return Object.fromEntries(Object.entries(o.sources).map(([name, location]) => [name, at(location)]));
  }
  const ref = o.ref ?? (o.repo ? "HEAD" : config.ref);
  return Object.fromEntries(
    Object.entries(config.files).map(([name, path]) => [name, { ...config, ref, path, clone: o.repo }]),
  );
}

/** Reads the sources, writing nothing: { name: { label, text, old, changed, provenance } }. */
async function stage(o, specs, config) {
  /** @type {Record<string, { label: string, text: string, old: any, changed: boolean, record: object }>} */
  const staged = {};
  for (const [name, source] of Object.entries(await sourcesOf(o, specs, config))) {
    const { text, provenance } = await readSpecSource(source, o);
    const old = await readFile(join(o.openapiDir, name), "utf8").catch(() => null);
    const from =
      source.location ??
      `${source.repository} ${source.path}${provenance.commit ? ` at ${provenance.commit.slice(0, 7)}` : ""}`;
    const label = `openapi/${name} (from ${from})`;
    const record = { ...provenance, sha256: sha256(text) };
    staged[name] = { label, text, old: parseDocument(old ?? "").toJS(), changed: text !== old, record };
  }
  return staged;
}

/** Generated spec files as the names users import (`qstash.ts` is `QStashSpec`). */
const namespacesOf = (files) =>
  files
    .filter((f) => f.endsWith(".ts") && !/^(combined|index)\.ts$/.test(f))
    .map((f) => `${pascal(basename(f, ".ts"))}Spec`);

/**
 * @param {Partial<typeof defaults> & { sources?: Record<string, string>, repo?: string, ref?: string,
 *   dryRun?: boolean, check?: boolean, fetch?: typeof fetch }} [options]
 */
export async function specUpdate(options = {}) {
  /** @type {typeof defaults & typeof options} */
  const o = { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const { specs } = await readSurfaceConfig(o.openapiDir);
  const adHoc = Object.keys(o.sources ?? {}).length > 0;
  // Read with --source too (a local file): which specs are upstream's decides what the
  // report says of one that contributes nothing. Only then may it be missing or wrong.
  const config = await readSourcesConfig(join(o.openapiDir, "sources.yaml"), specs).catch((error) =>
    adHoc ? null : Promise.reject(error),
  );
  const staged = await stage(o, specs, config);
  const surface = await loadSurface({ openapiDir: o.openapiDir, files: staged });
  const generated = await renderSurface(surface);
  const { stale, added, removed } = await staleFiles(generated, o.outDir);
  const committed = await readFile(join(o.outDir, SURFACE_FILE), "utf8").catch(() => null);
  const none = { openapi: "3.1.0", info: { title: "", version: "" }, paths: {} };
  const selected = new Set(surface.specs.flatMap((s) => s.ids));
  const found = {
    ...(await diffSurfaces(committed ? JSON.parse(committed) : none, surface.doc)),
    namespaces: {
      removed: namespacesOf(removed),
      added: namespacesOf(added),
    },
    selected: [...operationsOf(surface.doc).keys()],
    outside: Object.entries(staged).flatMap(([name, s]) =>
      outsideChanges(s.old, surface.specs[specs.indexOf(name)].doc, selected).map((o) => ({ ...o, file: name })),
    ),
    conflicts: surface.conflicts.map(formatConflict),
    unneeded: surface.unneeded,
  };
  const report = { ...found, bump: bumpOf(found) };
  // Dependents import the types rather than copy them: their published files do not
  // change, and changesets bumps them when the new version leaves their range.
  const note = changesetFor(report, [o.typesName]);
  const changeset = note && { file: join(o.changesetDir, note.name), content: note.content };

  const provenanceFile = join(o.openapiDir, PROVENANCE_FILE);
  const oldProvenance = await readFile(provenanceFile, "utf8").catch(() => null);
  const records = Object.fromEntries(Object.entries(staged).map(([name, s]) => [name, s.record]));
  const provenance = renderProvenance(oldProvenance, records, specs);
  const moved = Object.values(staged).some((s) => s.changed);
  const changes = Object.fromEntries([
    ...Object.entries(staged).flatMap(([name, s]) => (s.changed ? [[join(o.openapiDir, name), s.text]] : [])),
    ...(provenance !== oldProvenance ? [[provenanceFile, provenance]] : []),
    ...stale.map((name) => [join(o.outDir, name), generated[name]]),
    ...removed.map((name) => [join(o.outDir, name), null]),
    ...(changeset ? [[changeset.file, changeset.content]] : []),
  ]);
  const result = {
    report,
    text: formatReport(report),
    conflicts: surface.conflicts,
    idle: surface.idle,
    /** The specs sources.yaml vendors from upstream. */
    vendored: config ? Object.keys(config.files) : [],
    moved,
    files: Object.keys(changes),
    removedFiles: removed,
    changeset,
    dryRun: Boolean(o.dryRun || o.check),
    check: Boolean(o.check),
    verified: false,
    /** @type {ReturnType<typeof verifyBuild>} */
    breakages: [],
    /** @type {Awaited<ReturnType<typeof runDependents>> | null} */
    tests: null,
  };
  if (o.check) return result;

  if (o.verify && (report.bump === "minor" || report.bump === "major")) {
    const generatedDir = await mkdtemp(join(tmpdir(), "qstash-flow-spec-update-"));
    try {
      await writeGenerated(generated, generatedDir);
      const { packagesDir, typesName } = o;
      result.breakages = verifyBuild({ generatedDir, packages: o.verifyPackages, packagesDir, typesName });
      result.verified = true;
    } finally {
      await rm(generatedDir, { recursive: true, force: true });
    }
  }
  if (o.dryRun) return result;
  // Upstream changed and the code has to follow: the update is written even when it
  // breaks the build, and the breakages say where.
  await writeAll(changes);
  if (o.test && result.files.length) result.tests = await runDependents({ root: o.root, typesName: o.typesName });
  return result;
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
      "Vendor upstream's specs (openapi/sources.yaml), report what changed in the selection, regenerate the types, write a changeset, and check what the new types break.",
    )
    .option("--repo <path>", "read upstream's files from this local clone of the repository in sources.yaml", path)
    .option("--ref <ref>", "the branch, tag or commit to read (default: sources.yaml's ref; HEAD with --repo)")
    .option(
      "--source <file=url|path>",
      "read openapi/<file> from an https URL, a file: URL or a path instead (repeatable); the other files stay as vendored",
      source,
    )
    .option("--check", "exit 1 with the report when the sources differ from what is vendored; write nothing")
    .option("--dry-run", "print the report and the changeset; write nothing")
    .option("--no-verify", "skip the type check of @qstash-flow/fetch and @qstash-flow/flow-control")
    .option("--verify-package <path>", "type-check this package instead (repeatable)", paths)
    .option("--no-test", "after writing, skip the typecheck and tests of the packages that use the types")
    .option("--timeout <ms>", "per-request timeout for URLs", positive)
    .option("--openapi-dir <path>", "the specs folder", path)
    .option("--out-dir <path>", "the generated types", path)
    .option("--changeset-dir <path>", "where the changeset goes", path)
    .option("--packages-dir <path>", "the workspace packages", path)
    .addHelpText(
      "after",
      "\nExit codes: 0 done (or up to date), 1 failed and wrote nothing (or, with --check, upstream moved),\n2 written, but the packages no longer compile or their tests fail.",
    );
}

/**
 * What the command prints after an update.
 * @param {Awaited<ReturnType<typeof specUpdate>>} result
 * @param {string} cwd
 * @param {{ vendored?: string[] }} [options] which specs are upstream's (told to stay when idle), if not sources.yaml's
 */
export function summarize(result, cwd, { vendored = result.vendored } = {}) {
  const { idle, files, changeset, report, breakages, tests } = result;
  const show = (file) =>
    `  ${relative(cwd, file)}${result.removedFiles.some((f) => file.endsWith(f)) ? " (removed)" : ""}`;
  const shaped = report.bump === "minor" || report.bump === "major";
  const idleLine = (file) =>
    vendored.includes(file)
      ? `${file}: every selected entry it defines comes from a spec before it; it stays vendored, so what upstream adds there is picked up.`
      : `${file} contributes nothing to the generated types: every selected entry it defines comes from a spec before it. Delete it and its line in openapi/surface.yaml.`;
  if (result.check)
    return `${[
      result.moved
        ? "Upstream moved: the sources differ from what is vendored."
        : "Up to date: the sources are what is vendored.",
      ...(result.moved ? ["", result.text.trimEnd()] : []),
    ].join("\n")}\n`;
  return `${[
    result.text.trimEnd(),
    idle.map((file) => `\n${idleLine(file)}`),
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
    tests === null
      ? []
      : tests.ok
        ? `Dependents: \`${tests.command}\` passed.`
        : [
            `Dependents: \`${tests.command}\` failed:`,
            ...(tests.failures.length
              ? tests.failures.map((f) => `  ${formatFailure(f)}`)
              : tests.output
                  .trimEnd()
                  .split("\n")
                  .slice(-20)
                  .map((line) => `  ${line}`)),
          ],
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
  if (result.check) return result.moved ? 1 : 0;
  return result.breakages.length || (result.tests && !result.tests.ok) ? 2 : 0;
});
