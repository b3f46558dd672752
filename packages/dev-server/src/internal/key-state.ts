import type { components } from "@qstash-flow/types";
import type { FlowConfig } from "./flow-value.js";
import type { Message } from "./message.js";

export type { Message } from "./message.js";

type SpecFlowControlKey = components["schemas"]["FlowControlKey"];

/**
 * The JSON the API returns for a key: the spec's FlowControlKey with every field set,
 * except parallelismCount, which QStash omits at 0. Derived from the generated type, so a
 * field added to the spec fails to compile here until the server reports it.
 */
export type FlowControlKeyJson = Required<Omit<SpecFlowControlKey, "parallelismCount">> &
  Pick<SpecFlowControlKey, "parallelismCount">;

const DEFAULT_PERIOD = 1;

/**
 * One flow-control key: its configuration, pins, pause flag, rate window and waitlist.
 * Limits of 0 mean none. The rate window is fixed: `rateCount` deliveries started since
 * `periodStart`, and windows follow each other back to back whether or not anything is
 * delivered, so pausing does not stop the clock.
 */
export class FlowKey {
  parallelism = 0;
  rate = 0;
  period = DEFAULT_PERIOD;
  pinnedParallelism = false;
  pinnedRate = false;
  paused = false;
  rateCount = 0;
  periodStart: number;
  inFlight = 0;
  readonly waiting: Message[] = [];

  constructor(
    readonly name: string,
    now: number,
  ) {
    this.periodStart = now;
  }

  /** Follow an incoming message's configuration, except the pinned parts. */
  follow(config: FlowConfig, now: number): void {
    if (!this.pinnedParallelism) this.parallelism = config.parallelism ?? 0;
    if (!this.pinnedRate) {
      const rate = config.rate ?? 0;
      const period = config.period ?? DEFAULT_PERIOD;
      // A key that had no rate starts its first window when it gets one.
      if (this.rate === 0 && rate > 0) this.resetRate(now);
      this.rate = rate;
      this.period = period;
    }
  }

  pin(values: FlowConfig, now: number): void {
    if (values.parallelism !== undefined) {
      this.parallelism = values.parallelism;
      this.pinnedParallelism = true;
    }
    if (values.rate !== undefined || values.period !== undefined) {
      this.rate = values.rate ?? this.rate;
      this.period = values.period ?? this.period;
      this.pinnedRate = true;
    }
    this.resetRate(now);
  }

  /** Drops the pins; the values stay until a message brings a different configuration. */
  unpin(flags: { parallelism: boolean; rate: boolean }): void {
    if (flags.parallelism) this.pinnedParallelism = false;
    if (flags.rate) this.pinnedRate = false;
  }

  resetRate(now: number): void {
    this.rateCount = 0;
    this.periodStart = now;
  }

  /** Moves to the window that contains `now`, if the current one has ended. */
  roll(now: number): void {
    const length = this.period * 1000;
    if (now - this.periodStart < length) return;
    this.periodStart += Math.floor((now - this.periodStart) / length) * length;
    this.rateCount = 0;
  }

  get periodEnd(): number {
    return this.periodStart + this.period * 1000;
  }

  /** What stops the next waiting message from starting now, if anything. */
  blocker(now: number): "empty" | "paused" | "parallelism" | "rate" | undefined {
    if (this.waiting.length === 0) return "empty";
    if (this.paused) return "paused";
    if (this.parallelism > 0 && this.inFlight >= this.parallelism) return "parallelism";
    this.roll(now);
    if (this.rate > 0 && this.rateCount >= this.rate) return "rate";
    return undefined;
  }

  /** The key as the API reports it; reading first moves the rate window up to now. */
  toJSON(now: number): FlowControlKeyJson {
    this.roll(now);
    return {
      flowControlKey: this.name,
      waitListSize: this.waiting.length,
      parallelismMax: this.parallelism,
      ...(this.inFlight > 0 ? { parallelismCount: this.inFlight } : {}),
      rateMax: this.rate,
      rateCount: this.rateCount,
      ratePeriod: this.period,
      ratePeriodStart: Math.floor(this.periodStart / 1000),
      isPinnedParallelism: this.pinnedParallelism,
      isPinnedRate: this.pinnedRate,
      isPaused: this.paused,
    };
  }
}
