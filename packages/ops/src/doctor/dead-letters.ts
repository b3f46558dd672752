// doctor's read of the DLQ: one pass over its pages, bounded by the interval between
// samples, so that a large or slow DLQ never makes doctor take longer than its sampling.
import { type FlowControl, millisecondsText } from "@qstash-flow/flow-control";

/** The dead letters per key, or why they were not read. */
export type DeadLetterRead = { checked: true; counts: Map<string, number> } | { checked: false; reason: string };

/**
 * Counts the dead letters per key within `budget` ms. A failure or the budget running
 * out is a result (doctor says the check was not made); Ctrl-C (`signal`) is not.
 */
export async function readDeadLetters(
  client: FlowControl,
  budget: number,
  signal: AbortSignal | undefined,
): Promise<DeadLetterRead> {
  const timer = new AbortController();
  const clock = setTimeout(() => timer.abort(new Error("budget")), budget);
  const signals = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
  try {
    // One attempt per page: the budget is too short to wait between retries.
    return { checked: true, counts: await client.countDeadLetters({ signal: signals, maxRetries: 0 }) };
  } catch (error) {
    if (signal?.aborted) throw error;
    const reason = timer.signal.aborted
      ? `not read within ${millisecondsText(budget)}`
      : error instanceof Error
        ? error.message
        : String(error);
    return { checked: false, reason };
  } finally {
    clearTimeout(clock);
  }
}
