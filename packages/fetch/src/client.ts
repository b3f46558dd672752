import type { paths } from "@qstash-flow/types";
import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from "openapi-fetch";
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import { safePathSerializer } from "./key.js";
import { mentionsSecret } from "./internal/redact.js";
import { type Reply, redactHeaders } from "./internal/transport.js";
import { ValidationError } from "./errors.js";
import {
  checkCall,
  connect,
  parseBody,
  type QStashClientOptions,
  type RequestPolicy,
  resolveBaseUrl,
  searchOf,
} from "./transport.js";

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

/** An openapi-fetch client over every flow-control operation, with auth, retries and timeouts. */
export type QStashClient = Omit<Client<paths>, "GET" | "POST"> & {
  GET: QStashClientMethod<"get">;
  POST: QStashClientMethod<"post">;
};

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

/**
 * Creates the typed client. It never throws on HTTP errors: each call resolves to
 * `{ data, error, response }`. It rejects with `ValidationError` for bad input (nothing
 * is sent), and with `ConnectionError`, `TimeoutError` or `AbortError` when no response
 * arrived. It sends through the same transport as `createQStashTransport`.
 */
export function createQStashClient(options: QStashClientOptions): QStashClient {
  const connection = connect(options);
  const { token } = connection;
  // With the header scheme the client's token is the only Authorization there is.
  const headerScheme = connection.headers.authorization !== undefined;
  const sendWith =
    (policy: RequestPolicy, json: boolean, extras: RequestInit) =>
    async (request: Request): Promise<Response> => {
      const body = request.body ? await request.arrayBuffer() : null;
      const init = { ...extras, method: request.method, headers: request.headers, body, signal: request.signal };
      return toResponse(await connection.send(request.url, init, policy), json);
    };
  const client = createClient<paths>({
    baseUrl: connection.baseUrl,
    pathSerializer: safePathSerializer,
    headers: connection.headers,
  });

  const wrapped = { ...client } as unknown as Record<string, unknown>;
  for (const method of METHODS) {
    const call = client[method] as (url: string, init?: Record<string, unknown>) => Promise<unknown>;
    // async, so that bad input rejects like every other failure instead of throwing synchronously
    wrapped[method] = async (url: string, init: Record<string, unknown> & RequestPolicy = {}) => {
      // The transport checks maxRetries and timeout before it sends anything.
      const { maxRetries, timeout, ...rest } = init;
      const params = (rest.params ?? {}) as Record<string, unknown>;
      // openapi-fetch would send NaN or an object as text, and hand a bad signal or header
      // to `Request`, which throws a TypeError: refuse them as the transport does.
      searchOf(params.query);
      checkCall({ signal: rest.signal as AbortSignal | undefined });
      checkHeaders(rest.headers, headerScheme);
      checkHeaders(params.header, headerScheme);
      // A call's own baseUrl gets the token too: it must pass the client's checks.
      const baseUrl =
        rest.baseUrl === undefined ? {} : { baseUrl: resolveBaseUrl({ baseUrl: rest.baseUrl as string }) };
      return call(url, {
        ...rest,
        ...baseUrl,
        // openapi-fetch skips the path serializer when no path parameters are given, which
        // would send "{flowControlKey}" literally: always run it, so a missing key is
        // refused. And always ours: a call's own serializer would skip the key checks.
        params: { ...params, path: params.path ?? {} },
        pathSerializer: safePathSerializer,
        fetch: sendWith({ maxRetries, timeout }, rest.parseAs === undefined || rest.parseAs === "json", extrasOf(rest)),
      });
    };
  }
  wrapped.request = async (method: unknown, url: string, init?: Record<string, unknown>) => {
    const name = typeof method === "string" ? method.toUpperCase() : "";
    if (!(METHODS as readonly string[]).includes(name)) {
      throw new ValidationError(`method must be one of ${METHODS.join(", ")}, got ${String(method)}`);
    }
    return (wrapped[name] as (u: string, i?: Record<string, unknown>) => Promise<unknown>)(url, init);
  };
  return wrapped as unknown as QStashClient;

  /**
   * The reply as the `Response` openapi-fetch reads, with the token cut out of its
   * headers. An empty failure gets the API's `{"error": ...}` body, so that `error` is
   * set (openapi-fetch leaves it undefined for an empty body); a success that is not JSON
   * where JSON is expected comes as a JSON string, so that `data` is its text (as the
   * transport gives it) instead of openapi-fetch rejecting with a `SyntaxError`.
   */
  function toResponse(reply: Reply, json: boolean): Response {
    const received = reply.response;
    const headers = redactHeaders(reply.headers, token);
    const noBody = [204, 205, 304].includes(reply.status);
    let text = reply.text;
    if (!(reply.ok || text || noBody)) text = JSON.stringify({ error: reply.statusText || `HTTP ${reply.status}` });
    else if (reply.ok && json && text && parseBody(text) === text) text = JSON.stringify(text);
    // A declared-empty body was not read: the response can go on as it came, unless its
    // URL carries the token (`authScheme: "query"`).
    if (
      text === reply.text &&
      headers === reply.headers &&
      received.headers.get("content-length") === "0" &&
      !mentionsSecret(received.url, token)
    ) {
      return received;
    }
    const copy = new Headers(headers);
    const length = new TextEncoder().encode(text).byteLength;
    copy.set("content-length", String(length));
    if (text !== reply.text) copy.set("content-type", "application/json");
    copy.delete("content-encoding");
    copy.delete("transfer-encoding");
    return new Response(length === 0 || noBody ? null : text, {
      status: reply.status,
      statusText: reply.statusText,
      headers: copy,
    });
  }
}

/** `RequestInit` fields the transport passes on to `fetch` as they are. */
const EXTRAS = [
  "cache",
  "credentials",
  "integrity",
  "keepalive",
  "mode",
  "priority",
  "redirect",
  "referrer",
  "referrerPolicy",
];

/**
 * The `RequestInit` fields a call set itself, to pass on to `fetch`. Only those: the
 * `Request` openapi-fetch builds has a default for each, and some runtimes (Cloudflare
 * Workers) refuse fields such as `credentials` and `mode` outright.
 */
function extrasOf(init: Record<string, unknown>): RequestInit {
  return Object.fromEntries(EXTRAS.filter((name) => init[name] !== undefined).map((name) => [name, init[name]]));
}

/**
 * Throws `ValidationError` unless `value` (a call's `headers` or `params.header`) holds
 * valid header names and values, and, with the header scheme, no `Authorization`: a
 * call's own token would replace the client's (or, set to null, remove it) and escape
 * redaction.
 */
function checkHeaders(value: unknown, headerScheme: boolean): void {
  if (value == null) return;
  if (typeof value !== "object") throw new ValidationError("headers must be an object");
  const pairs: [string, unknown][] =
    value instanceof Headers || Array.isArray(value)
      ? [...(value as Iterable<[string, unknown]>)]
      : Object.entries(value);
  if (headerScheme && pairs.some(([name]) => String(name).toLowerCase() === "authorization")) {
    throw new ValidationError("headers must not set Authorization: give token");
  }
  try {
    const check = new Headers();
    // openapi-fetch leaves out null and undefined values and sends each item of an array.
    for (const [name, item] of pairs) for (const one of [item].flat()) if (one != null) check.append(name, String(one));
  } catch {
    throw new ValidationError("headers must hold valid header names and values");
  }
}
