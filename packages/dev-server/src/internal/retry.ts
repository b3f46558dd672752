// When a failed delivery is tried again, as QStash's retry page documents
// (docs: qstash/features/retry): the default backoff, `Upstash-Retry-Delay`, and the
// destination's own Retry-After-style headers, which win over both when usable.
import type { RetryDelay } from "./retry-delay.js";

/** QStash caps every retry delay, and honours a destination's requested delay only up to this: one day. */
const MAX_DELAY_MS = 86_400_000;

/** QStash's default backoff before retry number `n` (1 for the first retry): min(1 day, e^(2.5 n)) seconds. */
export function defaultBackoff(n: number): number {
  return Math.min(86_400, Math.exp(2.5 * n)) * 1000;
}

const RETRY_AFTER_HEADERS = [
  "retry-after",
  "x-ratelimit-reset",
  "x-ratelimit-reset-requests",
  "x-ratelimit-reset-tokens",
];
// Not flow-control's duration grammar: a destination may answer with a Go duration (`6m5s`, `1.5s`, `300ms`).
const GO_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds from seconds, an HTTP date or a duration such as `6m5s`; undefined when none of those. */
function retryAfterMs(text: string, now: number): number | undefined {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) {
    let total = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
      total += Number(amount) * (GO_UNIT_MS[unit as string] as number);
    }
    return total;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The delay in QStash's time before the next attempt of a message that has been retried
 * `retried` times and just failed: the destination's Retry-After (or X-RateLimit-Reset*)
 * when it gives one within a day, else `Upstash-Retry-Delay` (`retried` counts from 0 for
 * the first retry), else the default backoff (n counts from 1). Always within a day.
 */
export function retryDelayMs(
  retried: number,
  custom: RetryDelay | undefined,
  responseHeaders: Record<string, string | string[] | undefined> | undefined,
  now = Date.now(),
): number {
  for (const name of RETRY_AFTER_HEADERS) {
    const raw = responseHeaders?.[name];
    const text = Array.isArray(raw) ? raw[0] : raw;
    if (text === undefined) continue;
    const ms = retryAfterMs(text, now);
    if (ms !== undefined && ms <= MAX_DELAY_MS) return ms;
  }
  if (custom) {
    const ms = custom(retried);
    return Number.isFinite(ms) ? Math.min(MAX_DELAY_MS, Math.max(0, ms)) : MAX_DELAY_MS;
  }
  return defaultBackoff(retried + 1);
}
