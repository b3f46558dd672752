// `pnpm qstash-flow <command>`: the CLI from this clone. When a source changed since the
// last build it says so on stderr and builds first (turbo, which reuses what did not
// change); otherwise it starts the built CLI at once, without turbo. Under `--json` the
// notice is left out, so that stderr holds only JSON.
import process from "node:process";
import { fileURLToPath } from "node:url";
import { buildIfStale } from "./cli-freshness.mjs";

buildIfStale(fileURLToPath(new URL("..", import.meta.url)), { quiet: process.argv.includes("--json") });

// package.json runs this script with `exec`, so no shell stands between pnpm and the CLI
// (pnpm's forwarded Ctrl-C would kill the shell, and pnpm would then exit 130). pnpm
// forwards each Ctrl-C that the terminal also sends: the CLI counts the two as one.
process.env.QSTASH_FLOW_SIGINT_FORWARDED = "1";
// The bin reads process.argv after the script's path: the arguments given to pnpm.
// By URL: the bin is built output, which the scripts' type check does not read.
await import(new URL("../packages/cli/bin/qstash-flow.js", import.meta.url).href);
