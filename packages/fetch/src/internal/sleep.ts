// The one wait of the workspace: the retry backoff here, and the CLI's poll intervals
// (through `@qstash-flow/fetch/internal`, which `@qstash-flow/flow-control` re-exports for them).
/// <reference path="./send-import.d.ts" />
import { startTimer } from "#send";

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks which). */
export function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stop();
      signal?.removeEventListener("abort", done);
      resolve();
    };
    // An already aborted signal fires no event: end on the next tick instead.
    const stop = startTimer(signal?.aborted ? 0 : ms, done);
    signal?.addEventListener("abort", done);
  });
}
