/** The numbers of a 429's rate-limit headers. `reset` is the time the window ends, as sent. */
export interface RateLimitHeaders {
  limit: number | undefined;
  remaining: number | undefined;
  reset: number | undefined;
}

/**
 * QStash's `Burst-RateLimit-*` headers when any of them came (the burst limit was hit),
 * else the daily `RateLimit-*` ones; never a mix of the two. The error's fields and the
 * retry wait both read this, so they always speak of the same limit.
 */
export function rateLimitHeaders(headers: Headers): RateLimitHeaders {
  const names = ["limit", "remaining", "reset"] as const;
  const prefix = names.some((name) => headers.has(`burst-ratelimit-${name}`)) ? "burst-ratelimit-" : "ratelimit-";
  return Object.fromEntries(
    names.map((name) => {
      const raw = headers.get(prefix + name)?.trim();
      return [name, raw && Number.isFinite(+raw) ? +raw : undefined];
    }),
  ) as unknown as RateLimitHeaders;
}

/**
 * How long the server asked us to wait, in ms (never negative), if it said so: its
 * `Retry-After` (seconds or an HTTP date), else on a 429 the reset of its rate-limit
 * headers. Not capped: the caller decides what is too long.
 */
export function serverDelay(headers: Headers, status: number, now = Date.now()): number | undefined {
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(seconds * 1000, 0);
    if (Number.isFinite(date)) return Math.max(date - now, 0);
  }
  const { reset } = status === 429 ? rateLimitHeaders(headers) : {};
  if (!(reset && reset > 0)) return undefined;
  // QStash sends unix seconds; unix milliseconds are told apart by size, and a small
  // number can only mean "seconds from now".
  return Math.max(reset > 1e12 ? reset - now : reset > 1e9 ? reset * 1000 - now : reset * 1000, 0);
}
