// The one wait of the workspace: the retry backoff here, and the CLI's poll intervals
// (through `@qstash-flow/fetch/internal`, which `@qstash-flow/flow-control` re-exports for them).
/// <reference path="./send-import.d.ts" />
import { startTimer } from "#send";

/**
 * Runs `onTimeout` after `ms`, and `onAbort` when `signal` aborts; the function returned
 * disarms both (once is enough). An attempt's timeout and a wait are each one of these.
 */
export function arm(
  ms: number,
  onTimeout: () => void,
  signal: AbortSignal | null | undefined,
  onAbort: () => void,
): () => void {
  const stopTimer = startTimer(ms, onTimeout);
  signal?.addEventListener("abort", onAbort);
  return () => {
    stopTimer();
    signal?.removeEventListener("abort", onAbort);
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks which). */
export function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      disarm();
      resolve();
    };
    // An already aborted signal fires no event: end on the next tick instead.
    const disarm = arm(signal?.aborted ? 0 : ms, done, signal, done);
  });
}
