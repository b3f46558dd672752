import type { components } from "@qstash-flow/types";

/** The state and configuration of one flow-control key. Numbers the server omits are 0, flags false. */
export interface FlowControlInfo {
  /** The key. */
  flowControlKey: string;
  /** Messages waiting because of the key's limits (or because it is paused). */
  waitListSize: number;
  /** The configured number of messages delivered at once (0: none configured). */
  parallelismMax: number;
  /** Messages being delivered now. */
  parallelismCount: number;
  /** The configured number of messages started per period (0: none configured). */
  rateMax: number;
  /** Messages started in the current period. */
  rateCount: number;
  /** The period length, in seconds. */
  ratePeriod: number;
  /** Unix time, in seconds, at which the current period began. */
  ratePeriodStart: number;
  /** Parallelism is pinned: configurations on incoming messages are ignored. */
  isPinnedParallelism: boolean;
  /** The rate is pinned: configurations on incoming messages are ignored. */
  isPinnedRate: boolean;
  /** Delivery is paused until `resume`. */
  isPaused: boolean;
}

/** The account-wide parallelism limit and how much of it is in use. */
export interface GlobalParallelism {
  parallelismMax: number;
  parallelismCount: number;
}

type Wire = components["schemas"]["FlowControlKey"] & { waitlistSize?: unknown };

function count(value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  // Some deployments send numbers as strings: decimal ones ("0x10" is not a count);
  // anything else means "not reported".
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return 0;
}

const flag = (value: unknown) => value === true || value === "true";

export function toFlowControlInfo(wire: Wire | null | undefined, fallbackKey = ""): FlowControlInfo {
  const raw = (wire ?? {}) as Wire;
  return {
    flowControlKey: typeof raw.flowControlKey === "string" ? raw.flowControlKey : fallbackKey,
    // The Workflow spec spells it `waitlistSize`.
    waitListSize: count(raw.waitListSize ?? raw.waitlistSize),
    parallelismMax: count(raw.parallelismMax),
    parallelismCount: count(raw.parallelismCount),
    rateMax: count(raw.rateMax),
    rateCount: count(raw.rateCount),
    ratePeriod: count(raw.ratePeriod),
    ratePeriodStart: count(raw.ratePeriodStart),
    isPinnedParallelism: flag(raw.isPinnedParallelism),
    isPinnedRate: flag(raw.isPinnedRate),
    isPaused: flag(raw.isPaused),
  };
}

export function toGlobalParallelism(wire: unknown): GlobalParallelism {
  const raw = (wire ?? {}) as Record<string, unknown>;
  return { parallelismMax: count(raw.parallelismMax), parallelismCount: count(raw.parallelismCount) };
}
