// The public options of a client and of a call, and their defaults: what the transport,
// the typed client and the request pipeline all read, so that each imports them from here.

export const DEFAULT_BASE_URL = "https://qstash.upstash.io";
export const REGIONS = ["eu-central-1", "us-east-1"] as const;
export type Region = (typeof REGIONS)[number];

/** Retries after the first attempt, unless the client or the call says otherwise. */
export const DEFAULT_MAX_RETRIES = 2;
/** Milliseconds per attempt, unless the client or the call says otherwise. */
export const DEFAULT_TIMEOUT = 30_000;

/** A `fetch` with the signature of the global one. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The last argument of every call: overrides of the client's retries and timeout, and a signal. */
export interface CallOptions {
  /** Retries after the first attempt (default 2); `0` sends exactly once. */
  maxRetries?: number | undefined;
  /** Milliseconds each attempt may take, response body included (default 30 000). */
  timeout?: number | undefined;
  /** Aborts the call, retries and backoff waits included; rejects with `AbortError`. */
  signal?: AbortSignal | undefined;
}

/** `maxRetries` and `timeout`: the part of `CallOptions` a client sets for all its calls. */
export type RequestPolicy = Pick<CallOptions, "maxRetries" | "timeout">;

export interface QStashClientOptions extends RequestPolicy {
  /** The QStash token. Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Default `https://qstash.upstash.io` (the EU region). Trailing slashes are ignored. */
  baseUrl?: string;
  /** Shorthand for `baseUrl: https://qstash-<region>.upstash.io`. Each region has its own token. */
  region?: Region;
  /**
   * `"header"` (default) sends the token in the Authorization header. `"query"` sends
   * it as `?qstash_token=`, where proxies and server logs may record it: use only
   * where headers cannot be set.
   */
  authScheme?: "header" | "query";
  /**
   * A `fetch` to send with (tests, proxies, instrumentation). Without one, Node sends
   * over `node:http`/`node:https` (through the global `fetch` while the app has set a
   * global dispatcher for it, such as undici's MockAgent or ProxyAgent) and other
   * runtimes use the global `fetch`.
   */
  fetch?: FetchLike;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}
