import type { paths } from "@qstash-flow/types";
import { makeAPIError, ValidationError } from "./errors.js";
import { safePathSerializer } from "./key.js";
import {
  checkPolicy,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT,
  type FetchLike,
  type Reply,
  redactHeaders,
  type SendInit,
  send,
} from "./internal/transport.js";

export const DEFAULT_BASE_URL = "https://qstash.upstash.io";
export const REGIONS = ["eu-central-1", "us-east-1"] as const;
export type Region = (typeof REGIONS)[number];

/** Per-call overrides of the client's retry and timeout settings. */
export interface RequestPolicy {
  /** Retries after the first attempt (default 2); `0` sends exactly once. */
  maxRetries?: number | undefined;
  /**
   * Milliseconds each attempt may take, response body included (default 30 000). In the
   * Node build an attempt may run up to 10 ms longer (attempts share deadline signals).
   */
  timeout?: number | undefined;
}

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
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: FetchLike;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export function resolveBaseUrl(options: Pick<QStashClientOptions, "baseUrl" | "region">): string {
  const { baseUrl = DEFAULT_BASE_URL, region } = options;
  if (region !== undefined) {
    if (options.baseUrl !== undefined) throw new ValidationError("give baseUrl or region, not both");
    if (!REGIONS.includes(region)) {
      throw new ValidationError(`region must be one of ${REGIONS.join(", ")}, got ${String(region)}`);
    }
    return `https://qstash-${region}.upstash.io`;
  }
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {}
  // `href`, not `search` and `hash`: those are empty for a bare trailing "?" or "#", which
  // would still swallow the path appended to the base URL.
  if (!url || !/^https?:$/.test(url.protocol) || /[?#]/.test(url.href) || url.username || url.password) {
    throw new ValidationError("baseUrl must be an absolute http(s) URL without query, fragment or credentials");
  }
  return url.href.replace(/\/+$/, "");
}

/** What every layer needs to send: checked once, when a client is made. */
export interface Connection {
  baseUrl: string;
  token: string;
  headers: Record<string, string>;
  /**
   * Sends `init` to `url` under the client's policy, or the call's overrides of it; with
   * `authScheme: "query"` it adds the token to the URL's query.
   */
  send(url: string, init: SendInit, policy?: RequestPolicy): Promise<Reply>;
}

/** Throws `ValidationError` unless `value` is undefined or an object whose keys are all in `names`. */
export function checkOptions(value: unknown, names: string[], what = "options"): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(`${what} must be an object`);
  }
  for (const name in value) {
    if (!names.includes(name)) {
      throw new ValidationError(`unknown ${what.slice(0, -1)} ${JSON.stringify(name)}; expected ${names.join(", ")}`);
    }
  }
}

/**
 * Why `token` cannot be sent, or undefined when it can: visible ASCII only, as anything
 * else would make the runtime throw an error that quotes the token. Servers that take
 * tokens (the dev server) accept exactly these.
 */
export function tokenProblem(token: string): string | undefined {
  return /^[\x21-\x7e]+$/.test(token) ? undefined : "token must be a non-empty string of visible ASCII characters";
}

export function connect(options: QStashClientOptions): Connection {
  checkOptions(options, ["token", "baseUrl", "region", "authScheme", "fetch", "headers", "maxRetries", "timeout"]);
  const { authScheme = "header", token: raw, fetch } = options ?? {};
  // Surrounding whitespace (a newline read from a file) is trimmed, as headers would.
  const token = typeof raw === "string" ? raw.trim() : "";
  const problem = tokenProblem(token);
  if (problem) throw new ValidationError(problem);
  if (authScheme !== "header" && authScheme !== "query") {
    throw new ValidationError(`authScheme must be "header" or "query", got ${String(authScheme)}`);
  }
  if (fetch !== undefined && typeof fetch !== "function") throw new ValidationError("fetch must be a function");
  checkPolicy(options);
  let headers: Record<string, string>;
  try {
    headers = Object.fromEntries(new Headers(options.headers));
  } catch {
    throw new ValidationError("headers must hold valid header names and values");
  }
  if (authScheme === "header") {
    if (headers.authorization !== undefined)
      throw new ValidationError("headers must not set Authorization: give token");
    headers.authorization = `Bearer ${token}`;
  }
  const base = {
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    timeout: options.timeout ?? DEFAULT_TIMEOUT,
    // The global fetch is looked up per call, so that instrumentation installed later applies.
    fetch: fetch ?? ((input, init) => globalThis.fetch(input, init)),
    guard: !!fetch,
    secret: token,
  } satisfies Parameters<typeof send>[2];
  const tokenQuery = authScheme === "query" ? `${new URLSearchParams({ qstash_token: token })}` : "";
  return {
    baseUrl: resolveBaseUrl(options),
    token,
    headers,
    send(url, init, policy = {}) {
      const { maxRetries = base.maxRetries, timeout = base.timeout } = policy;
      checkPolicy(policy);
      const target = tokenQuery ? `${url}${url.includes("?") ? "&" : "?"}${tokenQuery}` : url;
      return send(target, init, { ...base, maxRetries, timeout });
    },
  };
}

type HttpMethod = "get" | "put" | "post" | "delete" | "patch";
type PathsWith<M extends HttpMethod> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];
type Operation<P extends keyof paths, M extends HttpMethod> = paths[P] extends { [K in M]: infer O } ? O : never;
type PathParams<O> = O extends { parameters: { path: infer X } } ? X : undefined;
type QueryParams<O> = O extends { parameters: { query?: infer X } } ? ([X] extends [never] ? undefined : X) : undefined;
type Body<O> = O extends { responses: { 200: { content: { "application/json": infer D } } } } ? D : unknown;

/** The parameters of one operation, as the spec names them. */
export type RequestParams<O> = (PathParams<O> extends undefined ? { path?: undefined } : { path: PathParams<O> }) &
  (QueryParams<O> extends undefined ? { query?: undefined } : { query?: QueryParams<O> });

/** The last argument of every call. */
export interface CallOptions extends RequestPolicy {
  /** Aborts the call, retries and backoff waits included; rejects with `AbortError`. */
  signal?: AbortSignal | undefined;
}

/**
 * The smallest way to call the API: one typed `request` per operation. Each call resolves
 * with the success body parsed as JSON (its text when it is not JSON, `undefined` when
 * empty) and rejects with a `QStashError` subclass: an `APIError` subclass for an HTTP
 * failure, `ValidationError` for bad input (nothing sent), and `ConnectionError`,
 * `TimeoutError` or `AbortError` when no response arrived.
 */
export interface QStashTransport {
  /** The server calls go to, without a trailing slash. */
  readonly baseUrl: string;
  request<M extends HttpMethod, P extends PathsWith<M>>(
    method: M,
    path: P,
    ...args: PathParams<Operation<P, M>> extends undefined
      ? [params?: RequestParams<Operation<P, M>>, options?: CallOptions]
      : [params: RequestParams<Operation<P, M>>, options?: CallOptions]
  ): Promise<Body<Operation<P, M>>>;
}

/** Checks a call's options (not their policy, which `send` checks); throws `ValidationError`. */
export function checkCall(options: CallOptions): void {
  checkOptions(options, ["signal", "maxRetries", "timeout"]);
  const { signal } = options;
  if (signal != null && typeof signal.addEventListener !== "function") {
    throw new ValidationError("signal must be an AbortSignal");
  }
}

/**
 * `?name=value&...` for a query whose values are strings, finite numbers or booleans
 * (undefined ones left out), `""` when none are left; throws `ValidationError` for others.
 */
export function searchOf(query: unknown = {}): string {
  if (typeof query !== "object" || query === null) throw new ValidationError("query must be an object");
  const pairs: string[][] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (!(typeof value === "string" || typeof value === "boolean" || Number.isFinite(value))) {
      throw new ValidationError(`query parameter ${name} must be a string, a finite number or a boolean`);
    }
    pairs.push([name, String(value)]);
  }
  return pairs.length ? `?${new URLSearchParams(pairs)}` : "";
}

/** A body as JSON when it is JSON, else its text; `undefined` when empty. */
export function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/**
 * Creates the transport that `FlowControl` and the function forms call. Throws
 * `ValidationError` for bad options.
 */
export function createQStashTransport(options: QStashClientOptions): QStashTransport {
  const connection = connect(options);
  const { baseUrl, headers, token } = connection;
  return {
    baseUrl,
    async request(method: string, path: string, params: RequestParams<unknown> = {}, options: CallOptions = {}) {
      checkOptions(params, ["path", "query"], "params");
      checkCall(options);
      const url = baseUrl + safePathSerializer(path, params.path ?? {}) + searchOf(params.query);
      const reply = await connection.send(
        url,
        { method: method.toUpperCase(), headers, signal: options.signal },
        options,
      );
      const body = parseBody(reply.text);
      if (!reply.ok) throw makeAPIError({ ...reply, headers: redactHeaders(reply.headers, token) }, body, {}, token);
      return body;
    },
  } as QStashTransport;
}
