// `pnpm qstash-flow <command>`: the CLI from this clone. When a source changed since the
// last build it says so on stderr and builds first (turbo, which reuses what did not
// change); otherwise it starts the built CLI at once, without turbo. Under `--json` the
// notice is left out, so that stderr holds only JSON.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { recordBuild, staleReason } from "./cli-freshness.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const reason = staleReason(root);
if (reason !== undefined) {
  const started = Date.now();
  if (!process.argv.includes("--json")) {
    process.stderr.write(`qstash-flow: building the CLI first (${reason}); this can take a while...\n`);
  }
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

// package.json runs this script with `exec`, so no shell stands between pnpm and the CLI
// (pnpm's forwarded Ctrl-C would kill the shell, and pnpm would then exit 130). pnpm
// forwards each Ctrl-C that the terminal also sends: the CLI counts the two as one.
process.env.QSTASH_FLOW_SIGINT_FORWARDED = "1";
// The bin reads process.argv after the script's path: the arguments given to pnpm.
await import("../packages/cli/bin/qstash-flow.js");
