import { MAX_TIMER_MS } from "@qstash-flow/fetch/internal";

export interface LongTimer {
  cancel(): void;
}

/**
 * Calls `callback` once, `delay` ms from now, whatever the delay. Node fires a timer
 * longer than `MAX_TIMER_MS` after 1 ms (with a warning); re-arming that would spin, so a
 * longer wait is a chain of timers that each wait at most `MAX_TIMER_MS`.
 */
export function setLongTimeout(callback: () => void, delay: number): LongTimer {
  const at = Date.now() + delay;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = at - Date.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(callback, Math.max(0, left));
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}

/** Items each waiting for its own long timer: messages sleeping for a delay or a retry. */
export class Sleepers<T> {
  readonly #timers = new Map<T, LongTimer>();

  get size(): number {
    return this.#timers.size;
  }

  /** Calls `wake(item)` after `delay` ms, unless the item is cancelled first. */
  sleep(item: T, delay: number, wake: (item: T) => void): void {
    const timer = setLongTimeout(() => {
      this.#timers.delete(item);
      wake(item);
    }, delay);
    this.#timers.set(item, timer);
  }

  /** True when the item was asleep; it will not wake. */
  cancel(item: T): boolean {
    const timer = this.#timers.get(item);
    timer?.cancel();
    return this.#timers.delete(item);
  }

  /** Cancels every timer; returns the items that were asleep. */
  clear(): T[] {
    for (const timer of this.#timers.values()) timer.cancel();
    const items = [...this.#timers.keys()];
    this.#timers.clear();
    return items;
  }
}

/** One alarm per item at the earliest time asked for: the next rate period of each key. */
export class Alarms<T> {
  readonly #alarms = new Map<T, { timer: LongTimer; at: number }>();

  /** Calls `ring(item)` at `at` (unix ms), unless an alarm for it already rings earlier. */
  set(item: T, at: number, ring: (item: T) => void): void {
    const pending = this.#alarms.get(item);
    if (pending && pending.at <= at) return;
    pending?.timer.cancel();
    const timer = setLongTimeout(() => {
      this.#alarms.delete(item);
      ring(item);
    }, at - Date.now());
    this.#alarms.set(item, { timer, at });
  }

  clear(): void {
    for (const { timer } of this.#alarms.values()) timer.cancel();
    this.#alarms.clear();
  }
}
