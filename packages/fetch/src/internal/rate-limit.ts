/** The numbers of a 429's rate-limit headers. `reset` is the time the window ends, as sent. */
export interface RateLimitHeaders {
  limit: number | undefined;
  remaining: number | undefined;
  reset: number | undefined;
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * QStash's `Burst-RateLimit-*` headers when any of them came (the burst limit was hit),
 * else the daily `RateLimit-*` ones; never a mix of the two. The error's fields and the
 * retry wait both read this, so they always speak of the same limit.
 */
export function rateLimitHeaders(headers: Headers): RateLimitHeaders {
  const burst = ["limit", "remaining", "reset"].some((name) => headers.has(`burst-ratelimit-${name}`));
  const prefix = burst ? "burst-ratelimit-" : "ratelimit-";
  return {
    limit: numberHeader(headers, `${prefix}limit`),
    remaining: numberHeader(headers, `${prefix}remaining`),
    reset: numberHeader(headers, `${prefix}reset`),
  };
}
