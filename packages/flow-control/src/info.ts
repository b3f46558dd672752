import type { components } from "@qstash-flow/types";
import { describeValue, expectObject, notTheApis } from "./reply.js";

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

/** A field the server sent, as a number: omitted (or null) is 0; decimal strings are read. */
function count(body: Record<string, unknown>, name: string, what: string): number {
  const value = body[name];
  if (value == null) return 0;
  if (Number.isFinite(value)) return value as number;
  // Some deployments send numbers as strings: decimal ones ("0x10" is not a count).
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  throw notTheApis(what, `${name} is ${describeValue(value)}, not a number`);
}

/** A field the server sent, as a flag: omitted (or null) is false. */
function flag(body: Record<string, unknown>, name: string, what: string): boolean {
  const value = body[name];
  if (value == null || value === false || value === "false") return false;
  if (value === true || value === "true") return true;
  throw notTheApis(what, `${name} is ${describeValue(value)}, not a boolean`);
}

/** One key's state from a reply; `QStashError` unless it is an object with fields of the right types. */
export function toFlowControlInfo(body: unknown, fallbackKey?: string): FlowControlInfo {
  const what = "a flow-control key";
  const raw = expectObject(body, what) as Wire & Record<string, unknown>;
  const key = raw.flowControlKey ?? fallbackKey;
  if (typeof key !== "string") throw notTheApis(what, `flowControlKey is ${describeValue(key)}, not a string`);
  return {
    flowControlKey: key,
    // The Workflow spec spells it `waitlistSize`.
    waitListSize: count(raw, raw.waitListSize == null ? "waitlistSize" : "waitListSize", what),
    parallelismMax: count(raw, "parallelismMax", what),
    parallelismCount: count(raw, "parallelismCount", what),
    rateMax: count(raw, "rateMax", what),
    rateCount: count(raw, "rateCount", what),
    ratePeriod: count(raw, "ratePeriod", what),
    ratePeriodStart: count(raw, "ratePeriodStart", what),
    isPinnedParallelism: flag(raw, "isPinnedParallelism", what),
    isPinnedRate: flag(raw, "isPinnedRate", what),
    isPaused: flag(raw, "isPaused", what),
  };
}

export function toGlobalParallelism(body: unknown): GlobalParallelism {
  const what = "the global parallelism";
  const raw = expectObject(body, what);
  return { parallelismMax: count(raw, "parallelismMax", what), parallelismCount: count(raw, "parallelismCount", what) };
}
