// The attempt's timeout in Node (lent through `#send`; other platforms use setTimeout).
// Node keeps its timers in one list per duration and builds the list again each time it
// empties: with one call at a time, every attempt paid for a new list and for dropping it.
// A finished attempt's timer is kept instead, unref'd, and the next attempt of the same
// duration re-arms it with `refresh()`; one left unused ends when it would have fired.

import type { StartTimer } from "./send.js";

interface Slot {
  timer: NodeJS.Timeout;
  /** The stop of the attempt it is armed for; unset while it waits in its pool. */
  armed: (() => void) | undefined;
  fire: () => void;
}

/** Idle timers kept per duration, beyond which a finished one is cleared. */
const POOL_LIMIT = 64;
let pools = new Map<number, Slot[]>();
// A kept timer runs on the clock of the `setTimeout` that made it: when another is
// installed (a test's fake timers, or their removal), the pools start afresh, so that the
// clock in place times the attempts.
let madeBy = globalThis.setTimeout;

/** How many finished timers wait to be re-armed, and would expire unless re-armed (for tests). */
export const pooledTimers = (): number => [...pools.values()].reduce((sum, pool) => sum + pool.length, 0);

export const startTimer: StartTimer = (ms, fire) => {
  if (globalThis.setTimeout !== madeBy) {
    madeBy = globalThis.setTimeout;
    pools = new Map();
  }
  let pool = pools.get(ms);
  if (!pool) {
    pool = [];
    pools.set(ms, pool);
  }
  const stop = () => {
    // Once: after its timeout, or a second stop, this arming is over.
    if (slot.armed !== stop) return;
    slot.armed = undefined;
    slot.timer.unref();
    if (pool.length < POOL_LIMIT) pool.push(slot);
    else clearTimeout(slot.timer);
  };
  const slot = pool.pop() ?? newSlot(ms, pool);
  slot.armed = stop;
  slot.fire = fire;
  slot.timer.ref().refresh();
  return stop;
};

/** A timer of `ms` for `pool`, armed by the caller. */
function newSlot(ms: number, pool: Slot[]): Slot {
  const expire = () => {
    if (slot.armed) {
      slot.armed = undefined;
      slot.fire();
      return;
    }
    // Unused for a whole duration: let it go.
    pool.splice(pool.indexOf(slot), 1);
    if (!pool.length && pools.get(ms) === pool) pools.delete(ms);
  };
  const slot: Slot = { timer: setTimeout(expire, ms), armed: undefined, fire: expire };
  return slot;
}
