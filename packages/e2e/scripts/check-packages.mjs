// `pnpm check:packages`: every published package must pass publint (warnings are errors)
// and attw with the node16 profile, which checks node16 CommonJS, node16 ESM and bundler
// resolution and fails on any problem. Both tools pack the package the way npm would,
// so they judge the tarball users get, not the folder.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { publishedPackages } from "./packages.mjs";

/** @param {string} name */
const bin = (name) => join(import.meta.dirname, "..", "node_modules", ".bin", name);

/**
 * Runs one tool, prints its verdict, and its output when it failed.
 * @param {string} label
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 */
function check(label, command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  const output =
    `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() ||
    `${result.error ?? `exited with ${result.status ?? result.signal} and printed nothing`}`;
  const ok = result.status === 0;
  console.log(`${ok ? "ok  " : "FAIL"} ${label}`);
  if (!ok) console.log(output.replace(/^/gm, "     "));
  return ok;
}

const packages = publishedPackages();
if (packages.length === 0) {
  console.error("no published package found under packages/");
  process.exit(1);
}

let failures = 0;
for (const pkg of packages) {
  if (!existsSync(join(pkg.dir, "dist"))) {
    console.log(`FAIL ${pkg.name}: no dist/ folder; run \`pnpm build\` first`);
    failures++;
    continue;
  }
  if (!check(`${pkg.name}: publint --strict`, bin("publint"), ["run", pkg.dir, "--strict"], pkg.dir)) failures++;
  const attwArgs = ["--pack", pkg.dir, "--profile", "node16", "--format", "table-flipped"];
  if (!check(`${pkg.name}: attw --pack --profile node16`, bin("attw"), attwArgs, pkg.dir)) failures++;
}

console.log(`\n${packages.length * 2 - failures} passed, ${failures} failed (${packages.length} packages)`);
process.exit(failures === 0 ? 0 : 1);
