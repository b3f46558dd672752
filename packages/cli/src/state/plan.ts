import { type CallOptions, type FlowControl, type FlowControlInfo, NotFoundError } from "@qstash-flow/flow-control";
import { checkConcurrency, forEachBounded } from "../internal/bounded.js";
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
  /** Names in the file (not patterns) that the server does not know: nothing is planned for them. */
  unknownKeys: string[];
}

export interface PlanOptions extends CallOptions {
  /** How many `get` calls for names missing from the list run at once (default 8). */
  concurrency?: number;
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
export function changesFor(info: FlowControlInfo, entry: CheckedKey, name: string): Change[] {
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
 * `list`, and a `get` for each exact name the list does not show. Keys the file does not
 * name (or match) are never in the plan. A desired state built in code is validated first
 * (a `DesiredStateError` lists every problem).
 */
export async function planDesiredState(
  flow: FlowControl,
  desired: DesiredState,
  options: PlanOptions = {},
): Promise<Plan> {
  const { concurrency, ...call } = options;
  const limit = checkConcurrency(concurrency);
  const state = checkedState(desired);
  const names = Object.keys(state.keys);
  const live = new Map((await flow.list(call)).map((info) => [info.flowControlKey, info]));

  const missing = names.filter((name) => patternPrefix(name) === undefined && !live.has(name));
  const unknownKeys: string[] = [];
  let failure: unknown;
  await forEachBounded(missing, limit, async (name) => {
    try {
      live.set(name, await flow.get(name, call));
    } catch (error) {
      if (error instanceof NotFoundError) unknownKeys.push(name);
      else failure ??= error;
    }
  });
  // An abort reaches every get through its signal and comes back as an AbortError here.
  if (failure !== undefined) throw failure;

  const changes: Change[] = [];
  for (const key of [...live.keys()].sort()) {
    const name = entryFor(key, names);
    if (name !== undefined)
      changes.push(...changesFor(live.get(key) as FlowControlInfo, state.keys[name] as CheckedKey, name));
  }
  return { changes, unknownKeys: unknownKeys.sort() };
}
