// The attempt's timeout in Node (lent through `#send`; other platforms use setTimeout).
// Node keeps its timers in one list per duration and builds the list again each time it
// empties: with one call at a time, every attempt paid for a new list and for dropping it.
// A finished attempt's timer is kept instead, unref'd, and the next attempt of the same
// duration re-arms it with `refresh()`; one left unused ends when it would have fired.
import * as timers from "node:timers";
import type { StartTimer } from "./send.js";
import { startTimer as ownTimer } from "./send-default.js";

// Node's own, as they are when this module loads, whatever fake timers may later put in
// their place on `node:timers` (a CommonJS build would read them there on every use).
const { setTimeout: nodeTimer, clearTimeout: clearNodeTimer } = timers;

interface Slot {
  timer: NodeJS.Timeout;
  /** The stop of the attempt it is armed for; unset while it is kept. */
  armed: (() => void) | undefined;
  /**
   * The armed attempt's timeout. A kept timer still holds its last attempt's until it is
   * re-armed or runs out (at most KEPT_LIMIT do): clearing it on every stop measured about
   * 10 µs more CPU per call one call at a time, for a cause not yet pinned down.
   */
  fire: () => void;
}

const NOTHING = () => {};
/** Finished timers kept at most, whatever their durations; past it, a finished one is cleared. */
const KEPT_LIMIT = 64;
const kept = new Map<number, Slot[]>();
let keptCount = 0;

/** How many finished timers are kept to be re-armed (for tests). */
export const keptTimers = (): number => keptCount;

export const startTimer: StartTimer = (ms, fire) => {
  // Only Node's own timers are kept. Under another `setTimeout` (a test's fake timers)
  // each attempt gets one of its own, as on other platforms, and the clock in place times it.
  if (globalThis.setTimeout !== nodeTimer) return ownTimer(ms, fire);
  let pool = kept.get(ms);
  if (!pool) {
    pool = [];
    kept.set(ms, pool);
  }
  const stop = () => {
    // Once: after its timeout, a second stop, or once another attempt re-armed it, this
    // arming is over.
    if (slot.armed !== stop) return;
    slot.armed = undefined;
    slot.timer.unref();
    if (keptCount >= KEPT_LIMIT) return clearNodeTimer(slot.timer);
    pool.push(slot);
    keptCount++;
  };
  const idle = pool.pop();
  if (idle) {
    keptCount--;
    idle.timer.ref().refresh();
  }
  const slot = idle ?? newSlot(ms, pool);
  slot.armed = stop;
  slot.fire = fire;
  return stop;
};

/** A timer of `ms` for `pool`; ref'd, as an armed one is. */
function newSlot(ms: number, pool: Slot[]): Slot {
  const slot: Slot = { timer: nodeTimer(() => expire(slot, ms, pool), ms), armed: undefined, fire: NOTHING };
  return slot;
}

function expire(slot: Slot, ms: number, pool: Slot[]) {
  if (slot.armed) {
    const { fire } = slot;
    slot.armed = undefined;
    slot.fire = NOTHING;
    fire();
  } else {
    // Kept and unused for a whole duration: let it go.
    pool.splice(pool.indexOf(slot), 1);
    keptCount--;
  }
  // A pool stays while a timer of its duration is armed or kept, and goes with the last.
  if (!pool.length && kept.get(ms) === pool) kept.delete(ms);
}
