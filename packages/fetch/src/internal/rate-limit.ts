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
