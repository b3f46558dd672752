// After an update is written: what would fail now. The workspace's typecheck and the
// tests of every package that depends on the types run through turbo, and each failure is
// named by package and file, so a maintainer knows where to follow upstream.
import { spawn } from "node:child_process";

// vitest: " FAIL  test/x.test.ts > ..." or " ❯ test/x.test.ts (3 tests | 1 failed)";
// tsc: "src/x.ts(12,5): error TS2339: ..." or "src/x.ts:12:5 - error TS2339: ...".
const TEST = /(?:FAIL|❯)\s+(?:[\w-]+\s+)?(\S+\.test\.[cm]?[jt]sx?)/;
const TYPE = /(\S+\.[cm]?tsx?)(?:\((\d+),\d+\)|:(\d+):\d+)\s*:?\s*-?\s*error (TS\d+)/;

/** turbo prefixes each line with "@scope/package:task: ". */
function failuresIn(output) {
  const found = new Map();
  for (const raw of output.replace(/\x1b\[[0-9;]*m/g, "").split("\n")) {
    const [, pkg = "", task = "", line = raw] = /^(@[\w-]+\/[\w-]+):([\w:]+): (.*)$/.exec(raw) ?? [];
    const test = TEST.exec(line);
    const type = TYPE.exec(line);
    if (test) found.set(`${pkg} test ${test[1]}`, { package: pkg, task, file: test[1], kind: "test" });
    else if (type)
      found.set(`${pkg} ${type[1]}:${type[2] ?? type[3]}`, {
        package: pkg,
        task,
        file: `${type[1]}:${type[2] ?? type[3]}`,
        kind: `typecheck ${type[4]}`,
      });
  }
  return [...found.values()];
}

/**
 * Runs `pnpm turbo run typecheck test` for the packages depending on `typesName`.
 * @param {{ root: string, typesName: string,
 *   spawnImpl?: (command: string, args: string[], options: object) => import("node:child_process").ChildProcessWithoutNullStreams }} options
 * @returns {Promise<{ ok: boolean, failures: { package: string, task: string, file: string, kind: string }[], command: string, output: string }>}
 */
export function runDependents({ root, typesName, spawnImpl = spawn }) {
  const args = [
    "turbo",
    "run",
    "typecheck",
    "test",
    `--filter=...^${typesName}`,
    "--continue",
    "--output-logs=errors-only",
  ];
  const command = `pnpm ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    const child = spawnImpl("pnpm", args, { cwd: root, env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ ok: code === 0, failures: failuresIn(output), command, output }));
  });
}

export const formatFailure = (f) => `${f.package || "the workspace"}: ${f.kind} ${f.file}`;
