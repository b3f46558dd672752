import type { CallOptions, RequestPolicy } from "@qstash-flow/flow-control";

// A refresh gets its interval to answer, but never less than this: a short interval must
// not turn a slow API into a stream of timeouts.
const MIN_TIMEOUT_MS = 5_000;

/**
 * The call options of a periodic read (`watch`, `metrics`): one attempt, since the next
 * refresh is the retry, and a timeout, so that a slow call does not pile up behind others;
 * `--timeout` and `--retries` (`policy`) override both.
 */
export function refreshCallOptions(
  interval: number,
  signal: AbortSignal | undefined,
  policy: RequestPolicy = {},
): CallOptions {
  return { maxRetries: 0, timeout: Math.max(interval, MIN_TIMEOUT_MS), ...policy, ...(signal ? { signal } : {}) };
}
