import {
  type CallOptions,
  checkConcurrency,
  checkWholeNumber,
  type FlowControl,
  type FlowControlInfo,
  forEachBounded,
  NotFoundError,
} from "@qstash-flow/flow-control";
import { DEFAULT_MAX_GETS, DEFAULT_PLAN_CONCURRENCY } from "../defaults.js";
import { type CheckedKey, checkedState, type DesiredState, patternPrefix, UNPINNED } from "./desired.js";

interface ChangeBase {
  /** The live key the change is for. */
  key: string;
  /** The name in the file that chose this key: the key itself or a `prefix*` pattern. */
  entry: string;
}

/** What a key's limits are now, as far as a pin or unpin changes them. */
export interface CurrentLimits {
  parallelismMax: number;
  isPinnedParallelism: boolean;
  rateMax: number;
  ratePeriod: number;
  isPinnedRate: boolean;
}

export interface PauseChange extends ChangeBase {
  action: "pause";
}
export interface ResumeChange extends ChangeBase {
  action: "resume";
}
/** One pin call. Every pin resets the key's rate count and starts a new period (the API's rule). */
export interface PinChange extends ChangeBase, CurrentLimitsOf {
  action: "pin";
  parallelism?: number;
  rate?: number;
  /** Seconds. */
  period?: number;
  resetsRateCount: true;
}
/** One unpin call: the limits named `true` stop being pinned. */
export interface UnpinChange extends ChangeBase, CurrentLimitsOf {
  action: "unpin";
  parallelism: boolean;
  rate: boolean;
}
interface CurrentLimitsOf {
  /** The key's limits when the plan was made, for review. */
  current: CurrentLimits;
}

export type Change = PauseChange | ResumeChange | PinChange | UnpinChange;

/** What applying a desired state would do, key by key, in the order it is carried out. */
export interface Plan {
  changes: Change[];
  /**
   * Names in the file (not patterns) that the server does not know: planned as new keys
   * (nothing paused, nothing pinned), so a key can be paused or pinned before its first message.
   */
  unknownKeys: string[];
  /** What the plan read from the server. */
  reads: PlanReads;
}

/** The calls a plan made: one `list`, and a bounded number of `get`s. */
export interface PlanReads {
  list: 1;
  /** `get` calls for exact names the list lacks (the list may lag a key just created). */
  get: number;
  /** The most `get` calls a plan makes, and how many at once. */
  maxGets: number;
  concurrency: number;
  /** Names the list lacks that were past `maxGets`, so planned as new keys without a `get`. */
  unchecked: number;
}

export interface PlanOptions extends CallOptions {
  /** How many `get` calls for names missing from the list run at once (default 4). */
  concurrency?: number;
  /** The most `get` calls for names missing from the list (default 20); the rest are planned as new keys. */
  maxGets?: number;
}

/** A key the server does not know, as `get` would show it once it exists: nothing set. */
function newKey(flowControlKey: string): FlowControlInfo {
  return {
    flowControlKey,
    waitListSize: 0,
    parallelismMax: 0,
    parallelismCount: 0,
    rateMax: 0,
    rateCount: 0,
    ratePeriod: 0,
    ratePeriodStart: 0,
    isPinnedParallelism: false,
    isPinnedRate: false,
    isPaused: false,
  };
}

/** The entry that governs `key`: its exact name, else the longest matching pattern. */
export function entryFor(key: string, names: readonly string[]): string | undefined {
  if (names.includes(key) && patternPrefix(key) === undefined) return key;
  let best: string | undefined;
  for (const name of names) {
    const prefix = patternPrefix(name);
    if (prefix !== undefined && key.startsWith(prefix) && (best === undefined || name.length > best.length))
      best = name;
  }
  return best;
}

/** The calls that take `info` to `entry`; pause first and resume last, so a key never runs on old limits. */
function changesFor(info: FlowControlInfo, entry: CheckedKey, name: string): Change[] {
  const key = info.flowControlKey;
  const current: CurrentLimits = {
    parallelismMax: info.parallelismMax,
    isPinnedParallelism: info.isPinnedParallelism,
    rateMax: info.rateMax,
    ratePeriod: info.ratePeriod,
    isPinnedRate: info.isPinnedRate,
  };
  const changes: Change[] = [];
  if (entry.paused === true && !info.isPaused) changes.push({ key, entry: name, action: "pause" });

  const pin: { parallelism?: number; rate?: number; period?: number } = {};
  if (typeof entry.parallelism === "number") {
    if (!info.isPinnedParallelism || info.parallelismMax !== entry.parallelism) pin.parallelism = entry.parallelism;
  }
  if (typeof entry.rate === "number") {
    const periodDiffers = entry.period !== undefined && info.ratePeriod !== entry.period;
    if (!info.isPinnedRate || info.rateMax !== entry.rate || periodDiffers) {
      pin.rate = entry.rate;
      if (entry.period !== undefined) pin.period = entry.period;
    }
  }
  if (Object.keys(pin).length > 0)
    changes.push({ key, entry: name, action: "pin", ...pin, resetsRateCount: true, current });

  const unpin = {
    parallelism: entry.parallelism === UNPINNED && info.isPinnedParallelism,
    rate: entry.rate === UNPINNED && info.isPinnedRate,
  };
  if (unpin.parallelism || unpin.rate) changes.push({ key, entry: name, action: "unpin", ...unpin, current });

  if (entry.paused === false && info.isPaused) changes.push({ key, entry: name, action: "resume" });
  return changes;
}

/**
 * Compares a desired state with the live one and returns the plan. It reads only: one
 * `list`, and a `get` for at most `maxGets` exact names the list does not show
 * (`concurrency` at a time). A name the server does not know is planned as a new key.
 * Keys the file does not name (or match) are never in the plan. A desired state built in
 * code is validated first (a `DesiredStateError` lists every problem).
 */
export async function planDesiredState(
  flow: FlowControl,
  desired: DesiredState,
  options: PlanOptions = {},
): Promise<Plan> {
  const { concurrency = DEFAULT_PLAN_CONCURRENCY, maxGets = DEFAULT_MAX_GETS, ...call } = options;
  const limit = checkConcurrency(concurrency);
  const most = checkWholeNumber("maxGets", maxGets);
  const state = checkedState(desired);
  const names = Object.keys(state.keys);
  const live = new Map((await flow.list(call)).map((info) => [info.flowControlKey, info]));

  const missing = names.filter((name) => patternPrefix(name) === undefined && !live.has(name)).sort();
  const checked = missing.slice(0, most);
  const unknownKeys: string[] = missing.slice(most);
  let failure: unknown;
  await forEachBounded(checked, limit, async (name) => {
    try {
      live.set(name, await flow.get(name, call));
    } catch (error) {
      if (error instanceof NotFoundError) unknownKeys.push(name);
      else failure ??= error;
    }
  });
  // An abort reaches every get through its signal and comes back as an AbortError here.
  if (failure !== undefined) throw failure;
  for (const name of unknownKeys) live.set(name, newKey(name));

  const changes: Change[] = [];
  for (const key of [...live.keys()].sort()) {
    const name = entryFor(key, names);
    if (name !== undefined)
      changes.push(...changesFor(live.get(key) as FlowControlInfo, state.keys[name] as CheckedKey, name));
  }
  const reads: PlanReads = {
    list: 1,
    get: checked.length,
    maxGets: most,
    concurrency: limit,
    unchecked: missing.length - checked.length,
  };
  return { changes, unknownKeys: unknownKeys.sort(), reads };
}
