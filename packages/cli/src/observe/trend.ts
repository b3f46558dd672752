import type { FlowControlInfo } from "@qstash-flow/flow-control";

/** Refreshes a trend remembers: the sparkline's width and the window of the rates. */
export const TREND_LENGTH = 30;

const BARS = "▁▂▃▄▅▆▇█";

/**
 * One bar per value, scaled from 0 to the largest, so that a steady high waitlist reads
 * as high, not as flat-low. (sparkly pulls in chalk, sparkline is unmaintained: the
 * scaling is the whole job, and it is ours to choose.)
 */
export function sparkline(values: readonly number[]): string {
  const top = Math.max(0, ...values);
  return values
    .map((value) => BARS[top === 0 ? 0 : Math.round((Math.max(0, value) / top) * (BARS.length - 1))])
    .join("");
}

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

  /** The waitlist over the remembered refreshes. */
  get sparkline(): string {
    return sparkline(this.#points.map(({ info }) => info.waitListSize));
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

/** `3.2/s`, `120/s`, `-` before there is a rate. */
export function perSecondText(perSecond: number | undefined): string {
  if (perSecond === undefined) return "-";
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

/** An estimate in one rounded unit (`~40s`, `~12m`, `~3h`, `~2d`); `-` when it does not drain. */
export function drainText(seconds: number | undefined): string {
  if (seconds === undefined) return "-";
  if (seconds === 0) return "0s";
  for (const [unit, size, below] of [
    ["s", 1, 90],
    ["m", 60, 90 * 60],
    ["h", 3600, 36 * 3600],
  ] as const) {
    if (seconds < below) return `~${Math.max(1, Math.round(seconds / size))}${unit}`;
  }
  return `~${Math.round(seconds / 86_400)}d`;
}
