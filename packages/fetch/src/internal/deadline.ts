// Deadlines shared between attempts, for the Node build only.
//
// A per-attempt timeout that really cancels the request has to hand `fetch` a signal.
// Node's fetch (undici) pays for every new signal: the signal itself, a listener, a weak
// reference and a finalizer entry, about 10 % of a loopback call. Attempts that start
// within the same few milliseconds can share one signal instead: it aborts once the last
// of them has had its full timeout, so each attempt is given up between `timeout` and
// `timeout + GRANULARITY_MS` after it started, never before.
//
// Only where every caller lives in one long-lived context. Edge runtimes such as
// Cloudflare Workers tie timers to the request that made them, so a signal shared across
// their requests could lose its timer; they get the default build, one signal per attempt.

/** How long a group takes new attempts, in ms; also the most its deadline can be late. */
export const GRANULARITY_MS = 10;
/**
 * The most attempts one signal carries. fetch adds a listener per request to it and Node
 * walks a signal's listeners on every add, so a busy window opens a fresh group instead.
 */
export const GROUP_SIZE = 64;
/** The longest delay timers take; beyond it Node fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

export interface SharedDeadline {
  readonly signal: AbortSignal;
  /** Call once when the attempt is over, whatever its outcome. */
  end(): void;
}

interface Group {
  timeout: number;
  controller: AbortController;
  /** When the group stops taking attempts (`performance.now()`). */
  closesAt: number;
  /** Attempts started in this group. */
  joined: number;
  /** Attempts started in this group and not yet ended; the timer runs while there are any. */
  pending: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** The group taking attempts. One at a time: calls with another timeout open their own. */
let current: Group | undefined;

/**
 * A signal that aborts between `timeout` and `timeout + GRANULARITY_MS` ms from now,
 * shared with the other attempts that start in the same window.
 */
export function sharedDeadline(timeout: number): SharedDeadline {
  const now = performance.now();
  let group = current;
  if (!group || group.timeout !== timeout || now >= group.closesAt || group.joined === GROUP_SIZE) {
    group = current = {
      timeout,
      controller: new AbortController(),
      closesAt: now + GRANULARITY_MS,
      joined: 0,
      pending: 0,
    };
  }
  group.joined++;
  if (group.pending++ === 0) {
    const { controller } = group;
    // Every attempt of the group starts before closesAt, so each gets its full timeout.
    // Whole milliseconds: Node keeps a timer list per distinct delay, and a fractional
    // delay would make a new list for almost every call. Capped, as timers require.
    const delay = Math.min(Math.ceil(group.closesAt + timeout - now), MAX_TIMER_MS);
    group.timer = setTimeout(() => controller.abort(), delay);
  }
  const mine = group;
  let ended = false;
  return {
    signal: mine.controller.signal,
    end() {
      if (ended) return;
      ended = true;
      // No timer while nobody waits: an idle process is free to exit, and a group whose
      // attempts all finished never aborts.
      if (--mine.pending === 0) clearTimeout(mine.timer);
    },
  };
}
