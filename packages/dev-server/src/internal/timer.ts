import { MAX_TIMER_MS } from "@qstash-flow/fetch";

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
