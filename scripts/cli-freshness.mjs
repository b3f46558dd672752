// Whether the CLI built in this clone is older than its sources: `pnpm qstash-flow` and
// `pnpm demo` ask this instead of running turbo on every call (turbo's own check, even
// when everything is cached, costs about half a second; these stats cost a few milliseconds).
import { spawnSync } from "node:child_process";
import process from "node:process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, utimesSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/**
 * Where the time of the last build started from `pnpm qstash-flow` is kept (ignored by git).
 * @param {string} root
 */
export const stampPath = (root) => join(root, "node_modules", ".cache", "qstash-flow", "cli-build-stamp");

// What turbo.json's `build` and `generate` read, for the CLI and the packages it runs on.
const PACKAGE_FILES = ["package.json", "tsconfig.json", "tsup.config.ts"];
const PACKAGE_DIRS = ["src", "bin"];
const ROOT_FILES = [
  "package.json",
  "pnpm-lock.yaml",
  "turbo.json",
  "tsconfig.base.json",
  "tsup.config.base.ts",
  "redocly.yaml",
];
const ROOT_DIRS = ["openapi", "scripts/spec"];
const isTest = (/** @type {string} */ name) => /\.test(-d)?\.ts$/.test(name);

/**
 * The workspace packages `name` runs on (its `workspace:` dependencies, recursively), with itself: their folders.
 * @param {string} root
 * @param {string} name
 * @returns {string[]}
 */
function closure(root, name) {
  const folders = new Map();
  for (const folder of readdirSync(join(root, "packages"))) {
    const manifest = join(root, "packages", folder, "package.json");
    if (existsSync(manifest))
      folders.set(JSON.parse(readFileSync(manifest, "utf8")).name, join(root, "packages", folder));
  }
  /** @type {Set<string>} */
  const found = new Set();
  const visit = (/** @type {string} */ pkg) => {
    const folder = folders.get(pkg);
    if (!folder || found.has(folder)) return;
    found.add(folder);
    const { dependencies = {} } = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
    for (const [dep, version] of Object.entries(dependencies)) if (String(version).startsWith("workspace:")) visit(dep);
  };
  visit(name);
  return [...found];
}

/**
 * @param {string} path
 * @returns {Generator<{ path: string, mtimeMs: number }>}
 */
function* files(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return;
  }
  if (!stat.isDirectory()) {
    yield { path, mtimeMs: stat.mtimeMs };
    return;
  }
  for (const entry of readdirSync(path)) if (!isTest(entry)) yield* files(join(path, entry));
}

/**
 * Why the CLI must be built before it runs (a sentence naming the first newer source), or
 * `undefined` when the last build from `pnpm qstash-flow` is newer than every source.
 * @param {string} root
 * @returns {string | undefined}
 */
export function staleReason(root) {
  if (!existsSync(join(root, "packages", "cli", "dist", "cli.js"))) return "the CLI is not built yet";
  let built;
  try {
    built = statSync(stampPath(root)).mtimeMs;
  } catch {
    return "it was not built from here before";
  }
  const inputs = [
    ...ROOT_FILES.map((file) => join(root, file)),
    ...ROOT_DIRS.map((dir) => join(root, dir)),
    ...closure(root, "@qstash-flow/cli").flatMap((folder) => [
      ...PACKAGE_FILES.map((file) => join(folder, file)),
      ...PACKAGE_DIRS.map((dir) => join(folder, dir)),
    ]),
  ];
  for (const input of inputs) {
    for (const file of files(input)) if (file.mtimeMs > built) return `${relative(root, file.path)} changed`;
  }
  return undefined;
}

/**
 * Records a build that started at `startedMs` and succeeded: sources changed after that start are still news.
 * @param {string} root
 * @param {number} startedMs
 */
export function recordBuild(root, startedMs) {
  const path = stampPath(root);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "the CLI was built from these sources; see scripts/cli-freshness.mjs\n");
  utimesSync(path, startedMs / 1000, startedMs / 1000);
}

/**
 * Builds the CLI and the packages it runs on when a source changed since the last build,
 * saying so in one line on stderr unless `quiet` (turbo's own output is shown only when the
 * build fails); otherwise does nothing. A failed build ends the process with its status.
 * @param {string} root
 * @param {{ quiet?: boolean }} [options]
 */
export function buildIfStale(root, { quiet = false } = {}) {
  const reason = staleReason(root);
  if (reason === undefined) return;
  const started = Date.now();
  if (!quiet) process.stderr.write(`qstash-flow: building the CLI first (${reason}); this can take a while...\n`);
  const build = spawnSync(
    "pnpm",
    ["exec", "turbo", "run", "build", "--filter=@qstash-flow/cli...", "--output-logs=errors-only"],
    { cwd: root, encoding: "utf8", shell: process.platform === "win32" },
  );
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ""}${build.stderr ?? ""}`);
    process.stderr.write(`qstash-flow: building the CLI failed${build.error ? `: ${build.error.message}` : ""}\n`);
    process.exit(build.status ?? 1);
  }
  recordBuild(root, started);
}
