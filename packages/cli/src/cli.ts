#!/usr/bin/env node
import process from "node:process";
import { run } from "./run.js";

// The thin bin: real streams, real env, signals turned into an abort. A second Ctrl-C
// exits at once, for when a clean shutdown hangs.
const controller = new AbortController();
// `pnpm qstash-flow` (scripts/qstash-flow.mjs) runs under pnpm, which forwards the
// terminal's Ctrl-C although the terminal sent it to us as well: there every Ctrl-C
// arrives twice, and only the third SIGINT is a second Ctrl-C.
const copies = process.env.QSTASH_FLOW_SIGINT_FORWARDED === "1" ? 2 : 1;
let interrupts = 0;
// Far longer than pnpm takes to forward a signal, even on a loaded machine; spent only
// when the copy never comes (a SIGINT sent to pnpm alone, not by the terminal).
const COPY_WAIT_MS = 5_000;
const stop = (signal: NodeJS.Signals) => {
  if (signal === "SIGINT") interrupts++;
  if (controller.signal.aborted && (signal !== "SIGINT" || interrupts > copies)) {
    process.exit(signal === "SIGINT" ? 130 : 143);
  }
  controller.abort(new Error(`received ${signal}`));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

// A reader that stops early (`qstash-flow list | head`) closes the pipe: that ends the
// output, as it does for any Unix tool, instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    controller.abort(error);
    process.exit(process.exitCode ?? 0);
  });
}

run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
}).then(async (code) => {
  process.exitCode = code;
  process.off("SIGTERM", stop);
  // Under pnpm the other copy of the last Ctrl-C may still be on its way. Arriving while
  // the process exits, it would kill it (pnpm then exits 130): wait for it, a while at most.
  if (interrupts % copies !== 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, COPY_WAIT_MS);
      process.once("SIGINT", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  process.off("SIGINT", stop);
});
