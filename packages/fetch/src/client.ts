import type { paths } from "@qstash-flow/types";
import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from "openapi-fetch";
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import { safePathSerializer } from "./key.js";
import { mentionsSecret } from "./internal/redact.js";
import { type Reply, redactHeaders } from "./internal/transport.js";
import { checkCall, connect, type QStashClientOptions, type RequestPolicy, searchOf } from "./transport.js";

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
  const sendWith =
    (policy: RequestPolicy) =>
    async (request: Request): Promise<Response> => {
      const body = request.body ? await request.arrayBuffer() : null;
      const init = { method: request.method, headers: request.headers, body, signal: request.signal };
      return toResponse(await connection.send(request.url, init, policy));
    };
  const defaultSend = sendWith({});
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
      const transport =
        maxRetries === undefined && timeout === undefined ? defaultSend : sendWith({ maxRetries, timeout });
      // openapi-fetch skips the path serializer when no path parameters are given, which
      // would send "{flowControlKey}" literally: always run it, so a missing key is refused.
      const params = (rest.params ?? {}) as Record<string, unknown>;
      // openapi-fetch would send NaN or an object as text, and hand a bad signal to
      // `Request`, which throws a TypeError: refuse them as the transport does.
      searchOf(params.query);
      checkCall({ signal: rest.signal as AbortSignal | undefined });
      return call(url, {
        ...rest,
        params: { ...params, path: params.path ?? {} },
        fetch: transport,
      });
    };
  }
  wrapped.request = (method: string, url: string, init?: Record<string, unknown>) =>
    (wrapped[method.toUpperCase()] as (u: string, i?: Record<string, unknown>) => Promise<unknown>)(url, init);
  return wrapped as unknown as QStashClient;

  /** The reply as the `Response` openapi-fetch reads, with the token cut out of its headers. */
  function toResponse(reply: Reply): Response {
    const received = reply.response;
    const headers = redactHeaders(reply.headers, token);
    // A declared-empty body was not read: the response can go on as it came, unless its
    // URL carries the token (`authScheme: "query"`).
    if (
      headers === reply.headers &&
      received.headers.get("content-length") === "0" &&
      !mentionsSecret(received.url, token)
    ) {
      return received;
    }
    const copy = new Headers(headers);
    const length = new TextEncoder().encode(reply.text).byteLength;
    copy.set("content-length", String(length));
    copy.delete("content-encoding");
    copy.delete("transfer-encoding");
    const nullBody = length === 0 || [204, 205, 304].includes(reply.status);
    return new Response(nullBody ? null : reply.text, {
      status: reply.status,
      statusText: reply.statusText,
      headers: copy,
    });
  }
}
