/**
 * One error hierarchy for every layer. `QStashError` is the base; `APIError` and its
 * subclasses stand for an HTTP answer, the others for failures before or instead of one.
 */

import { rateLimitHeaders, serverDelay } from "./internal/rate-limit.js";
import { redactText } from "./internal/redact.js";

/** Which call failed: shown in every message so a log line is enough to act on. */
export interface ErrorContext {
  /** The operation, e.g. `"pause"`. */
  operation?: string | undefined;
  /** The flow-control key the operation was called with, if any. */
  key?: string | undefined;
}

export interface QStashErrorInit extends ErrorContext {
  cause?: unknown;
}

const MAX_KEY_IN_MESSAGE = 120;

function describe({ operation, key }: ErrorContext, detail: string): string {
  if (!operation) return detail;
  const shown = key && key.length > MAX_KEY_IN_MESSAGE ? `${key.slice(0, MAX_KEY_IN_MESSAGE)}…` : key;
  return `QStash ${operation}${typeof key === "string" ? ` for key ${JSON.stringify(shown)}` : ""} failed: ${detail}`;
}

// Every class spells out its `name`: a minifier renames classes, so `new.target.name`
// would show a bundled app's errors as "a" or "t".
export class QStashError extends Error {
  override name = "QStashError";
  /** A stable, machine-readable name of the failure, e.g. `"not_found"`. */
  readonly code: string = "qstash_error";
  // `declare`: set in the constructor, so no field initialisers are emitted for them.
  declare readonly operation: string | undefined;
  declare readonly key: string | undefined;
  /** The message without the operation and key, as the layer that failed saw it. */
  declare readonly detail: string;

  constructor(detail: string, init: QStashErrorInit = {}) {
    super(describe(init, detail), "cause" in init ? { cause: init.cause } : undefined);
    Object.assign(this, { detail, operation: init.operation, key: init.key });
  }

  /**
   * `name`, `message` and every field but `headers` and `body`, for structured logs: the
   * body is kept as the server sent it, so it may echo the token; the message, which
   * quotes it, is redacted.
   */
  toJSON(): Record<string, unknown> {
    const { headers: _headers, body: _body, detail: _detail, ...fields } = this as Record<string, unknown>;
    return { name: this.name, code: this.code, message: this.message, ...fields };
  }
}

/**
 * Tells a fresh error (one this package just made) which operation and key it belongs
 * to: message, stack and fields. Errors that already name an operation are left alone.
 */
export function withContext<E>(error: E, context: ErrorContext): E {
  if (error instanceof QStashError && !error.operation) {
    const message = describe(context, error.detail);
    // A function, so that `$&` and the like in a key are not read as replacement patterns.
    if (error.stack) error.stack = error.stack.replace(error.message, () => message);
    const key = typeof context.key === "string" ? context.key : undefined;
    Object.assign(error, { message, operation: context.operation, key });
  }
  return error;
}

/** Input refused before anything was sent. */
export class ValidationError extends QStashError {
  override name = "ValidationError";
  override readonly code: string = "validation_error";
}

/** The connection failed (refused, reset, DNS, TLS) on every attempt. */
export class ConnectionError extends QStashError {
  override name = "ConnectionError";
  override readonly code: string = "connection_error";
}

/** The last attempt did not finish within `timeout`. */
export class TimeoutError extends QStashError {
  override name = "TimeoutError";
  override readonly code: string = "timeout";
}

/** The caller's `signal` aborted the call. */
export class AbortError extends QStashError {
  override name = "AbortError";
  override readonly code: string = "aborted";
}

export interface APIErrorInit extends QStashErrorInit {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or its text when it is not JSON, or `undefined` when empty. */
  body: unknown;
}

const REQUEST_ID_HEADERS = ["upstash-request-id", "x-request-id", "request-id"];

/** The server answered with a status that is not a success. */
export class APIError extends QStashError {
  override name = "APIError";
  override readonly code: string = "api_error";
  declare readonly status: number;
  declare readonly headers: Headers;
  declare readonly body: unknown;
  /** The server's `error` message, or the body's text, or the status text. */
  declare readonly serverMessage: string;
  declare readonly requestId: string | undefined;

  constructor(serverMessage: string, init: APIErrorInit) {
    super(`${init.status} ${escapeControls(serverMessage)}`, init);
    const { status, headers, body } = init;
    const requestId = REQUEST_ID_HEADERS.map((h) => headers.get(h)).find(Boolean) ?? undefined;
    Object.assign(this, { status, headers, body, serverMessage, requestId });
  }
}

export class BadRequestError extends APIError {
  override name = "BadRequestError";
  override readonly code: string = "bad_request";
}
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
  override readonly code: string = "authentication_error";
}
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
  override readonly code: string = "permission_denied";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
  override readonly code: string = "not_found";
}

/**
 * 429. `limit`, `remaining` and `reset` (unix seconds) come from the burst headers, else
 * the daily ones; `retryAfter` is how long the server asked to wait, in seconds.
 */
export class RateLimitError extends APIError {
  override name = "RateLimitError";
  override readonly code: string = "rate_limited";
  declare readonly limit: number | undefined;
  declare readonly remaining: number | undefined;
  declare readonly reset: number | undefined;
  /** Seconds the server asked to wait (`Retry-After`, else the rate-limit reset); undefined when it did not say. */
  declare readonly retryAfter: number | undefined;

  constructor(serverMessage: string, init: APIErrorInit) {
    super(serverMessage, init);
    const delay = serverDelay(init.headers, init.status);
    Object.assign(this, rateLimitHeaders(init.headers), {
      retryAfter: delay === undefined ? undefined : Math.ceil(delay / 1000),
    });
  }
}

export class InternalServerError extends APIError {
  override name = "InternalServerError";
  override readonly code: string = "internal_server_error";
}

const BY_STATUS: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  429: RateLimitError,
};

/**
 * Server text as a message shows it: control, format and separator characters (ESC,
 * bidi overrides, zero-width, line separators) escaped, so that a log line or terminal
 * shows what came instead of being driven by it.
 */
const escapeControls = (text: string): string =>
  text.replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (char) => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, "0")}`,
  );

/** The message a server put in a body: `{"error": "..."}`, else the text itself; what a redirect pointed to. */
export function messageOf(
  response: Pick<Response, "status" | "statusText" | "headers"> & { type?: string | undefined },
  body: unknown,
): string {
  const { status, statusText } = response;
  // The API never redirects: a 3xx comes from something else at that URL, and is not followed.
  if (response.type === "opaqueredirect") return "a redirect (the runtime does not say where); not followed";
  if (status >= 300 && status < 400) {
    return `a redirect to ${response.headers.get("location") ?? "nowhere given"}; not followed`;
  }
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === "string" && error) return error;
  const text = typeof body === "string" && body.trim();
  if (text) return text.length > 500 ? `${text.slice(0, 500)}…` : text;
  return statusText || `HTTP ${status}`;
}

/**
 * The one place that turns a failed response into an error: picks the class from the
 * status. `body` is what the client parsed (JSON, text or undefined): kept as it came.
 * With `secret`, the token is cut out of the message composed from it (a server or proxy
 * may echo the request).
 */
export function makeAPIError(
  response: Pick<Response, "status" | "statusText" | "headers"> & { type?: string | undefined },
  body: unknown,
  context: ErrorContext = {},
  secret?: string,
): APIError {
  const Class = BY_STATUS[response.status] ?? (response.status >= 500 ? InternalServerError : APIError);
  const message = messageOf(response, body);
  return new Class(secret ? redactText(message, secret) : message, {
    ...context,
    status: response.status,
    headers: response.headers,
    body,
  });
}
