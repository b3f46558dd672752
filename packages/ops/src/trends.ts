import type { FlowControlInfo } from "@qstash-flow/flow-control";

/** Refreshes a trend remembers: the sparkline's width and the window of the rates. */
export const TREND_LENGTH = 30;

/**
 * Deliveries started between two reads of a key, from its rate count. Within one period
 * it is the difference; once a new period has begun, the count of the new one (the tail
 * of the old period after the first read is unseen: a lower bound).
 */
export function started(before: FlowControlInfo, after: FlowControlInfo): number {
  const samePeriod = before.ratePeriodStart === after.ratePeriodStart && before.ratePeriod === after.ratePeriod;
  return samePeriod ? Math.max(0, after.rateCount - before.rateCount) : after.rateCount;
}

/** The last refreshes of one key, and what they say about where it is going. */
export class Trend {
  readonly #points: { at: number; info: FlowControlInfo }[] = [];

  add(at: Date, info: FlowControlInfo): void {
    this.#points.push({ at: at.getTime(), info });
    if (this.#points.length > TREND_LENGTH) this.#points.shift();
  }

  /** The waitlist sizes over the remembered refreshes, oldest first. */
  get waitlist(): number[] {
    return this.#points.map(({ info }) => info.waitListSize);
  }

  #seconds(): number {
    const first = this.#points[0];
    const last = this.#points.at(-1);
    return first && last ? (last.at - first.at) / 1000 : 0;
  }

  /** Deliveries started per second over the window; undefined before two refreshes. */
  get deliveryRate(): number | undefined {
    const seconds = this.#seconds();
    if (seconds <= 0) return undefined;
    let count = 0;
    for (let i = 1; i < this.#points.length; i++) {
      count += started(
        (this.#points[i - 1] as { info: FlowControlInfo }).info,
        (this.#points[i] as { info: FlowControlInfo }).info,
      );
    }
    return count / seconds;
  }

  /**
   * Seconds until the waitlist is empty at the rate it shrank over the window (arrivals
   * included); 0 when it is empty, undefined when it does not shrink.
   */
  get drainSeconds(): number | undefined {
    const first = this.#points[0]?.info;
    const last = this.#points.at(-1)?.info;
    if (!first || !last) return undefined;
    if (last.waitListSize === 0) return 0;
    const seconds = this.#seconds();
    const shrink = seconds > 0 ? (first.waitListSize - last.waitListSize) / seconds : 0;
    return shrink > 0 ? last.waitListSize / shrink : undefined;
  }
}
