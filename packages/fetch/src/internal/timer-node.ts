// The attempt's timeout in Node (lent through `#send`; other platforms use setTimeout).
// Node keeps its timers in one list per duration and builds the list again each time it
// empties: with one call at a time, every attempt paid for a new list and for dropping it.
// A finished attempt's timer is kept instead, unref'd, and the next attempt of the same
// duration re-arms it with `refresh()`; one left unused ends when it would have fired.
import { clearTimeout as clearNodeTimer, setTimeout as nodeTimer } from "node:timers";
import type { StartTimer } from "./send.js";
import { startTimer as ownTimer } from "./send-default.js";

interface Slot {
  timer: NodeJS.Timeout;
  ms: number;
  /** The stop of the attempt it is armed for; unset while it is kept. */
  armed: (() => void) | undefined;
  /** The armed attempt's timeout; nothing while kept, so that a kept timer holds no attempt. */
  fire: () => void;
}

const NOTHING = () => {};
/** Finished timers kept at most, whatever their durations; past it, one is cleared. */
const KEPT_LIMIT = 64;
const kept = new Map<number, Slot[]>();
let keptCount = 0;

/** How many finished timers are kept to be re-armed (for tests). */
export const keptTimers = (): number => keptCount;

export const startTimer: StartTimer = (ms, fire) => {
  // Only Node's own timers are kept. Under another `setTimeout` (a test's fake timers)
  // each attempt gets one of its own, as on other platforms, and the clock in place times it.
  if (globalThis.setTimeout !== nodeTimer) return ownTimer(ms, fire);
  const slot = take(ms) ?? { timer: nodeTimer(() => expire(slot), ms), ms, armed: undefined, fire };
  const stop = () => {
    // Once: after its timeout, or a second stop, this arming is over.
    if (slot.armed !== stop) return;
    slot.armed = undefined;
    slot.fire = NOTHING;
    slot.timer.unref();
    keep(slot);
  };
  slot.armed = stop;
  slot.fire = fire;
  return stop;
};

function take(ms: number): Slot | undefined {
  const pool = kept.get(ms);
  const slot = pool?.pop();
  if (!slot) return undefined;
  if (!pool?.length) kept.delete(ms);
  keptCount--;
  slot.timer.ref().refresh();
  return slot;
}

function keep(slot: Slot) {
  if (keptCount >= KEPT_LIMIT) return clearNodeTimer(slot.timer);
  const pool = kept.get(slot.ms);
  if (pool) pool.push(slot);
  else kept.set(slot.ms, [slot]);
  keptCount++;
}

function expire(slot: Slot) {
  if (slot.armed) {
    const { fire } = slot;
    slot.armed = undefined;
    slot.fire = NOTHING;
    return fire();
  }
  // Kept and unused for a whole duration: let it go.
  const pool = kept.get(slot.ms);
  const at = pool ? pool.indexOf(slot) : -1;
  if (!pool || at === -1) return;
  pool.splice(at, 1);
  keptCount--;
  if (!pool.length) kept.delete(slot.ms);
}
