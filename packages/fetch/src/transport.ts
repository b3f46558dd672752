import type { paths } from "@qstash-flow/types";
import { checkCall, checkOptions } from "./internal/checks.js";
import { isIdempotent } from "./internal/idempotent.js";
import { createPipeline } from "./internal/pipeline.js";
import { urlOf } from "./internal/url.js";
import type { CallOptions, QStashClientOptions } from "./options.js";

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
  (QueryParams<O> extends undefined ? { query?: undefined } : { query?: QueryParams<O> | undefined });

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
  const pipeline = createPipeline(options);
  const { baseUrl, headers } = pipeline;
  return {
    baseUrl,
    async request(method: string, path: string, params: RequestParams<unknown> = {}, options: CallOptions = {}) {
      checkOptions(params, ["path", "query"], "params");
      checkCall(options);
      const url = urlOf(baseUrl, path, params);
      const outgoing = { method: method.toUpperCase(), headers };
      const how = { idempotent: isIdempotent(method, path) };
      return pipeline.settle(await pipeline.send(url, outgoing, options, how));
    },
  } as QStashTransport;
}
