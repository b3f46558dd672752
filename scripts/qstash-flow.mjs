// `pnpm qstash-flow <command>`: the CLI from this clone. Builds it first when a source
// changed (turbo's cache makes that a no-op otherwise), saying nothing unless the build
// fails, so that the CLI's own output, `--json` included, is all that is printed.
import { spawnSync } from "node:child_process";
import process from "node:process";

const build = spawnSync(
  "pnpm",
  ["exec", "turbo", "run", "build", "--filter=@qstash-flow/cli...", "--output-logs=errors-only"],
  {
    encoding: "utf8",
    shell: process.platform === "win32",
  },
);
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ""}${build.stderr ?? ""}`);
  process.stderr.write(`qstash-flow: building the CLI failed${build.error ? `: ${build.error.message}` : ""}\n`);
  process.exit(build.status ?? 1);
}

// The bin reads process.argv after the script's path: the arguments given to pnpm.
await import("../packages/cli/bin/qstash-flow.js");
