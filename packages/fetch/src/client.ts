import type { paths } from "@qstash-flow/types";
import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from "openapi-fetch";
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import { ConnectionError, QStashError, ValidationError } from "./errors.js";
import { safePathSerializer } from "./key.js";
import { isIdempotent } from "./internal/idempotent.js";
import { checkCall, checkHeaders, checkNotFraming, resolveBaseUrl, shown } from "./internal/checks.js";
import { createPipeline } from "./internal/pipeline.js";
/// <reference path="./internal/send-import.d.ts" />
import { directCalls } from "#send";
import { parseBody } from "./internal/reply.js";
import { aborted } from "./internal/send.js";
import { failure, outgoingOf, shownResponse, type TypedResult } from "./internal/typed-call.js";
import { searchOf } from "./internal/url.js";
import type { CallOptions, QStashClientOptions, RequestPolicy } from "./options.js";
type InitWithPolicy<Init> = RequiredKeysOf<Init> extends never ? [(Init & RequestPolicy)?] : [Init & RequestPolicy];

type OperationOf<PathItem, M> = M extends keyof PathItem
  ? PathItem[M] extends Record<string | number, any>
    ? PathItem[M]
    : never
  : never;

type PolicyMethod<Paths extends {}, M extends HttpMethod> = <
  Path extends PathsWithMethod<Paths, M>,
  Init extends MaybeOptionalInit<Paths[Path], M & keyof Paths[Path]>,
>(
  url: Path,
  ...init: InitWithPolicy<Init>
) => Promise<FetchResponse<OperationOf<Paths[Path], M>, Init, MediaType>>;

/** openapi-fetch's method type, with `maxRetries` and `timeout` accepted (and type-checked) per call. */
export type QStashClientMethod<M extends HttpMethod> = PolicyMethod<paths, M>;

/**
 * An openapi-fetch client over every operation of the surface (flow control, a key's
 * messages and dead letters), with auth, retries and timeouts.
 */
export type QStashClient = Omit<Client<paths>, "GET" | "POST" | "DELETE"> & {
  GET: QStashClientMethod<"get">;
  POST: QStashClientMethod<"post">;
  DELETE: QStashClientMethod<"delete">;
};

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

type Init = Record<string, unknown> & RequestPolicy;

/** openapi-fetch's ways to read a success's body. */
const PARSE_AS = ["json", "text", "blob", "arrayBuffer", "stream"];

/**
 * Creates the typed client. It never throws on HTTP errors: each call resolves to
 * `{ data, error, response }`. It rejects with `ValidationError` for bad input (nothing
 * is sent), and with `ConnectionError`, `TimeoutError` or `AbortError` when no response
 * arrived. openapi-fetch builds each request and reads its response; it sends through
 * the same pipeline as `createQStashTransport` (retries, timeouts, token, and in Node
 * without a `fetch` option `node:http`), whose reply is the one `Response` it reads. In
 * Node, a call nothing else reads skips openapi-fetch's request and parsing (direct-call.ts).
 */
export function createQStashClient(options: QStashClientOptions): QStashClient {
  const pipeline = createPipeline(options);
  // The serializers are given per call (below), where a call's own cannot replace them.
  const client = createClient<paths>({ baseUrl: pipeline.baseUrl, headers: pipeline.headers });
  const direct = directCalls?.(client, pipeline);

  // Not async, so that a call sent the direct way is that way's promise, no other around it.
  // Bad input still rejects like every other failure, never throws synchronously.
  function call(method: (typeof METHODS)[number], url: string, given?: Init | null): Promise<TypedResult> {
    try {
      return checked(method, url, given);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function checked(method: (typeof METHODS)[number], url: string, given?: Init | null): Promise<TypedResult> {
    // As openapi-fetch takes it: null is no options.
    const init = given ?? {};
    const { maxRetries, timeout, signal } = init as Init & { signal?: AbortSignal };
    // fetch refuses TRACE, node:http would send it; no operation of the API is one.
    if (method === "TRACE") throw new ValidationError("TRACE is not a method of the API");
    // Appended to the base URL: one not starting with "/" (say "@elsewhere.example") could
    // send the token to another host.
    if (typeof url !== "string" || !url.startsWith("/")) {
      throw new ValidationError(`the path must be a string starting with "/", got ${shown(url)}`);
    }
    // openapi-fetch would send `null` as JSON, which `Request` refuses with a TypeError.
    if (init.body !== undefined && (method === "GET" || method === "HEAD")) {
      throw new ValidationError(`a ${method} request cannot have a body`);
    }
    if (init.middleware !== undefined && !Array.isArray(init.middleware)) {
      throw new ValidationError("middleware must be an array");
    }
    if (init.parseAs !== undefined && !PARSE_AS.includes(init.parseAs as string)) {
      throw new ValidationError(`parseAs must be one of ${PARSE_AS.join(", ")}, got ${shown(init.parseAs)}`);
    }
    const params = (init.params ?? {}) as Record<string, unknown>;
    const policy = { signal, maxRetries, timeout };
    // Refused here, as the transport refuses them: openapi-fetch would hand a bad signal or
    // header to `Request`, which throws a TypeError.
    checkCall(policy);
    checkHeaders(init.headers, pipeline.headerScheme);
    checkHeaders(params.header, pipeline.headerScheme);
    // A call's own baseUrl gets the token too: it must pass the client's checks.
    const baseUrl = init.baseUrl === undefined ? pipeline.baseUrl : resolveBaseUrl({ baseUrl: init.baseUrl as string });
    return direct?.(method, url, init, baseUrl, policy) ?? viaOpenapiFetch(method, url, init, params, baseUrl, policy);
  }

  async function viaOpenapiFetch(
    method: (typeof METHODS)[number],
    url: string,
    init: Init,
    params: Record<string, unknown>,
    baseUrl: string,
    policy: CallOptions,
  ): Promise<TypedResult> {
    // Refused here, as `urlOf` refuses it on the direct way: openapi-fetch would read a
    // null query as none.
    searchOf(params.query);
    const { maxRetries: _, timeout: __, ...rest } = init;
    const json = rest.parseAs === undefined || rest.parseAs === "json";
    let release: (() => void) | undefined;
    // The last attempt stays armed (timeout, signal) until openapi-fetch has read the body.
    const fetch = async (request: Request): Promise<Response> => {
      // What middleware made of the request, too.
      for (const name of request.headers.keys()) checkNotFraming(name);
      const body = request.body ? await request.arrayBuffer() : null;
      const outgoing = outgoingOf(rest, request.method, request.headers, body);
      const how = { hold: true, idempotent: isIdempotent(method, url), asResponse: true, carriable: true };
      const sent = await pipeline.send(request.url, outgoing, policy, how);
      release = sent.release;
      // The URL is the one this client composed: with the query scheme it carries the token.
      return shownResponse(sent.response as Response, pipeline);
    };
    try {
      const result: TypedResult = await (client[method] as (u: string, i: object) => Promise<TypedResult>)(url, {
        ...rest,
        baseUrl,
        // openapi-fetch skips the path serializer when no path parameters are given, which
        // would send "{flowControlKey}" literally: always run it, so a missing key is
        // refused. And always ours: a call's own serializer would skip the key checks.
        params: { ...params, path: params.path ?? {} },
        pathSerializer: safePathSerializer,
        querySerializer: searchOf,
        // JSON is parsed below, so that a success that is not JSON gives its text.
        parseAs: json ? "text" : rest.parseAs,
        fetch,
      });
      const { response } = result;
      if ("data" in result && json) return { data: parseBody(result.data as string), response };
      if ("error" in result) return { error: failure(result.error, response), response };
      return result;
    } catch (error) {
      // What failed while openapi-fetch read the body: the attempt's timeout (a
      // TimeoutError already), the caller's signal, or the pipeline.
      if (release === undefined || error instanceof QStashError) throw error;
      if (policy.signal?.aborted) throw aborted(policy.signal);
      const cause = pipeline.redact(error);
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new ConnectionError(`the response body could not be read: ${detail}`, { cause });
    } finally {
      release?.();
    }
  }

  const wrapped = { ...client } as unknown as Record<string, unknown>;
  for (const method of METHODS) {
    wrapped[method] = (url: string, init?: Init) => call(method, url, init);
  }
  wrapped.request = async (method: unknown, url: string, init?: Init) => {
    const name = typeof method === "string" ? method.toUpperCase() : "";
    if (!(METHODS as readonly string[]).includes(name)) {
      throw new ValidationError(`method must be one of ${METHODS.join(", ")}, got ${String(method)}`);
    }
    return call(name as (typeof METHODS)[number], url, init);
  };
  return wrapped as unknown as QStashClient;
}
