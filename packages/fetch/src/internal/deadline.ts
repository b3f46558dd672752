// Deadlines shared between attempts, for the Node build only.
//
// A per-attempt timeout that really cancels the request has to hand `fetch` a signal.
// Node's fetch (undici) pays for every new signal: the signal itself, a listener, a weak
// reference and a finalizer entry, about 10 % of a loopback call. Attempts that start
// within the same few milliseconds can share one signal instead: its timer fires once
// the last of them has had its full timeout, so each attempt is given up between
// `timeout` and `timeout + GRANULARITY_MS` after it started, never before.
//
// Only where every caller lives in one long-lived context. Edge runtimes such as
// Cloudflare Workers tie timers to the request that made them, so a signal shared across
// their requests could lose its timer; they get the default build, one signal per attempt.

/** How long a shared deadline takes new attempts, in ms; also the most it can fire late. */
export const GRANULARITY_MS = 10;
/**
 * The most attempts one signal carries. fetch adds a listener per request to it and Node
 * walks a signal's listeners on every add, so a busy window opens a fresh group instead.
 */
export const GROUP_SIZE = 64;

export interface SharedDeadline {
  readonly signal: AbortSignal;
  /** Call once when the attempt is over, whatever its outcome. */
  end(): void;
}

interface Group {
  controller: AbortController;
  /** When the group stopped taking attempts (`performance.now()`). */
  closesAt: number;
  /** Attempts started in this group and not yet ended. */
  pending: number;
  /** Attempts started in this group. */
  joined: number;
  timer: ReturnType<typeof setTimeout>;
}

/** The group currently taking attempts, per timeout. */
const open = new Map<number, Group>();

function release(group: Group, timeout: number): void {
  // A group nobody waits on needs no timer, unless it may still take attempts.
  if (--group.pending === 0 && open.get(timeout) !== group) clearTimeout(group.timer);
}

/**
 * A signal that aborts between `timeout` and `timeout + GRANULARITY_MS` ms from now,
 * shared with the other attempts that start in the same window.
 */
export function sharedDeadline(timeout: number): SharedDeadline {
  const now = performance.now();
  let group = open.get(timeout);
  if (!group || now >= group.closesAt || group.joined === GROUP_SIZE) {
    if (group) {
      open.delete(timeout);
      if (group.pending === 0) clearTimeout(group.timer);
    }
    const controller = new AbortController();
    const fresh: Group = {
      controller,
      closesAt: now + GRANULARITY_MS,
      pending: 0,
      joined: 0,
      timer: setTimeout(() => {
        if (open.get(timeout) === fresh) open.delete(timeout);
        // Only attempts still waiting are cut off; finished ones are left alone.
        if (fresh.pending > 0) controller.abort();
      }, timeout + GRANULARITY_MS),
    };
    // An attempt in flight keeps the process alive through its socket; the timer must
    // not keep an idle process alive on its own.
    (fresh.timer as { unref?: () => void }).unref?.();
    open.set(timeout, fresh);
    group = fresh;
  }
  group.pending++;
  group.joined++;
  const joined = group;
  let ended = false;
  return {
    signal: joined.controller.signal,
    end() {
      if (ended) return;
      ended = true;
      release(joined, timeout);
    },
  };
}

/** Groups still taking attempts (for tests). */
export const openGroups = (): number => open.size;
