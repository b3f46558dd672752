// The one wait of the workspace: the retry backoff here, and the CLI's poll intervals
// (through `@qstash-flow/fetch/internal`, which `@qstash-flow/flow-control` re-exports for them).

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks which). */
export function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    // An already aborted signal fires no event: end on the next tick instead.
    const timer = setTimeout(done, signal?.aborted ? 0 : ms);
    signal?.addEventListener("abort", done);
  });
}
