// The checks one published package must pass. publint runs with --strict (warnings are
// errors); attw runs with the node16 profile, which checks node16 CommonJS, node16 ESM
// and bundler resolution and fails on any problem. Both pack the package first, so
// they judge the tarball users get, not the folder.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** @param {string} name */
const bin = (name) => join(import.meta.dirname, "..", "node_modules", ".bin", name);

/**
 * @typedef {object} CheckResult
 * @property {string} label what ran, e.g. "publint --strict"
 * @property {boolean} ok
 * @property {string} output what the tool printed (or why it printed nothing)
 */

/**
 * @param {string} label
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @returns {CheckResult}
 */
function runTool(label, command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  const output =
    `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() ||
    `${result.error ?? `exited with ${result.status ?? result.signal} and printed nothing`}`;
  return { label, ok: result.status === 0, output };
}

/**
 * Runs publint and attw on the package in `dir`.
 * @param {string} dir
 * @returns {CheckResult[]}
 */
export function checkPackage(dir) {
  return [
    runTool("publint --strict", bin("publint"), ["run", dir, "--strict"], dir),
    runTool(
      "attw --pack --profile node16",
      bin("attw"),
      ["--pack", dir, "--profile", "node16", "--format", "table-flipped"],
      dir,
    ),
  ];
}
