import type { paths } from "@qstash-flow/types";
import type { FetchLike } from "./internal/fetch-exchange.js";
import { isIdempotent } from "./internal/idempotent.js";
import { checkCall, checkOptions, type Region } from "./internal/options.js";
import { connect } from "./internal/pipeline.js";
import { urlOf } from "./internal/url.js";

export { DEFAULT_BASE_URL, REGIONS, type Region } from "./internal/options.js";

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

/**
 * Creates the transport that `FlowControl` and the function forms call. Throws
 * `ValidationError` for bad options.
 */
export function createQStashTransport(options: QStashClientOptions): QStashTransport {
  const connection = connect(options);
  const { baseUrl, headers } = connection;
  return {
    baseUrl,
    async request(method: string, path: string, params: RequestParams<unknown> = {}, options: CallOptions = {}) {
      checkOptions(params, ["path", "query"], "params");
      checkCall(options);
      const url = urlOf(baseUrl, path, params);
      const outgoing = { method: method.toUpperCase(), headers };
      const how = { idempotent: isIdempotent(method, path) };
      return connection.settle(await connection.send(url, outgoing, options, how));
    },
  } as QStashTransport;
}
