import { checkPositiveInteger } from "@qstash-flow/fetch/internal";

/** The number of calls run at once unless told otherwise (`applyPlan`, the CLI's bulk commands). */
export const DEFAULT_CONCURRENCY = 8;

/** `concurrency`, or a `ValidationError` unless it is a positive integer. */
export function checkConcurrency(concurrency: unknown = DEFAULT_CONCURRENCY): number {
  return checkPositiveInteger("concurrency", concurrency);
}

/**
 * Runs `work` on every item, at most `concurrency` at a time, in order of the items.
 * `work` must not throw: each caller records its own failures. Once `signal` is aborted
 * no new item is started; the items never started are left to the caller to report.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
