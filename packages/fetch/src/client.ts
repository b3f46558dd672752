import type { paths } from "@qstash-flow/types";
import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from "openapi-fetch";
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import { ValidationError } from "./errors.js";
import { safePathSerializer } from "./key.js";
import { checkPolicy, DEFAULT_POLICY, type FetchLike, type RetryPolicy, send } from "./internal/transport.js";

export const DEFAULT_BASE_URL = "https://qstash.upstash.io";
export const REGIONS = ["eu-central-1", "us-east-1"] as const;
export type Region = (typeof REGIONS)[number];

/** Per-call overrides of the client's retry and timeout settings. */
export interface RequestPolicy {
  /** Retries after the first attempt (default 2); `0` sends exactly once. */
  maxRetries?: number;
  /** Milliseconds each attempt may take, response body included (default 30 000). */
  timeout?: number;
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

export function resolveBaseUrl(options: Pick<QStashClientOptions, "baseUrl" | "region">): string {
  if (options.baseUrl !== undefined && options.region !== undefined) {
    throw new ValidationError("give baseUrl or region, not both");
  }
  if (options.region !== undefined) {
    if (!REGIONS.includes(options.region)) {
      throw new ValidationError(`region must be one of ${REGIONS.join(", ")}, got ${String(options.region)}`);
    }
    return `https://qstash-${options.region}.upstash.io`;
  }
  const raw = options.baseUrl ?? DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ValidationError(`baseUrl must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ValidationError("baseUrl must not carry a query, fragment or credentials");
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * Creates the typed client. It never throws on HTTP errors: each call resolves to
 * `{ data, error, response }`. It rejects with `ValidationError` for bad input (nothing
 * is sent), and with `ConnectionError`, `TimeoutError` or `AbortError` when no response
 * arrived.
 */
export function createQStashClient(options: QStashClientOptions): QStashClient {
  const { authScheme = "header" } = options;
  if (typeof options.token !== "string" || options.token.trim() === "") {
    throw new ValidationError("token must be a non-empty string");
  }
  // Surrounding whitespace (a newline read from a file) is trimmed, as headers would. Anything
  // else outside visible ASCII would make the runtime throw an error that quotes the token.
  const token = options.token.trim();
  if (/[^\x21-\x7e]/.test(token)) {
    throw new ValidationError("token must be visible ASCII, without spaces or control characters inside");
  }
  if (authScheme !== "header" && authScheme !== "query") {
    throw new ValidationError(`authScheme must be "header" or "query", got ${String(authScheme)}`);
  }
  checkPolicy(options);
  const policy: RetryPolicy = {
    maxRetries: options.maxRetries ?? DEFAULT_POLICY.maxRetries,
    timeout: options.timeout ?? DEFAULT_POLICY.timeout,
  };
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sendWith = (callPolicy: RetryPolicy) => {
    const sendOptions = { ...callPolicy, fetch: fetchImpl, secret: token };
    return (request: Request) => send(request, sendOptions);
  };
  // Most calls keep the client's policy: their transport is made once, here.
  const defaultSend = sendWith(policy);

  const client = createClient<paths>({
    baseUrl: resolveBaseUrl(options),
    pathSerializer: safePathSerializer,
    headers: {
      ...options.headers,
      ...(authScheme === "header" ? { Authorization: `Bearer ${token}` } : {}),
    },
  });
  if (authScheme === "query") {
    client.use({
      onRequest({ request }) {
        const url = new URL(request.url);
        url.searchParams.set("qstash_token", token);
        return new Request(url, request);
      },
    });
  }

  const wrapped = { ...client } as unknown as Record<string, unknown>;
  for (const method of METHODS) {
    const call = client[method] as (url: string, init?: Record<string, unknown>) => Promise<unknown>;
    // async, so that bad input rejects like every other failure instead of throwing synchronously
    wrapped[method] = async (url: string, init: Record<string, unknown> & RequestPolicy = {}) => {
      const { maxRetries, timeout, ...rest } = init;
      checkPolicy({ maxRetries, timeout });
      const transport =
        maxRetries === undefined && timeout === undefined
          ? defaultSend
          : sendWith({ maxRetries: maxRetries ?? policy.maxRetries, timeout: timeout ?? policy.timeout });
      // openapi-fetch skips the path serializer when no path parameters are given, which
      // would send "{flowControlKey}" literally: always run it, so a missing key is refused.
      const params = (rest.params ?? {}) as Record<string, unknown>;
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
}
