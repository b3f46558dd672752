/**
 * One error hierarchy for every layer. `QStashError` is the base; `APIError` and its
 * subclasses stand for an HTTP answer, the others for failures before or instead of one.
 */

import { rateLimitHeaders } from "./internal/rate-limit.js";

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

function describe(context: ErrorContext, detail: string): string {
  if (!context.operation) return detail;
  let key = "";
  if (context.key !== undefined) {
    const shown =
      context.key.length > MAX_KEY_IN_MESSAGE ? `${context.key.slice(0, MAX_KEY_IN_MESSAGE)}…` : context.key;
    key = ` for key ${JSON.stringify(shown)}`;
  }
  return `QStash ${context.operation}${key} failed: ${detail}`;
}

export class QStashError extends Error {
  /** A stable, machine-readable name of the failure, e.g. `"not_found"`. */
  readonly code: string = "qstash_error";
  readonly operation: string | undefined;
  readonly key: string | undefined;
  /** The message without the operation and key, as the layer that failed saw it. */
  readonly detail: string;

  constructor(detail: string, init: QStashErrorInit = {}) {
    super(describe(init, detail), "cause" in init ? { cause: init.cause } : undefined);
    this.name = new.target.name;
    this.detail = detail;
    this.operation = init.operation;
    this.key = init.key;
  }

  /** `name`, `message` and every field but `headers`, for structured logs. */
  toJSON(): Record<string, unknown> {
    const { headers: _headers, detail: _detail, ...fields } = this as Record<string, unknown>;
    return { name: this.name, message: this.message, ...fields };
  }
}

/**
 * Tells a fresh error (one this package just made) which operation and key it belongs
 * to: message, stack and fields. Errors that already name an operation are left alone.
 */
export function withContext<E>(error: E, context: ErrorContext): E {
  if (error instanceof QStashError && !error.operation) {
    const message = describe(context, error.detail);
    if (error.stack) error.stack = error.stack.replace(error.message, message);
    Object.assign(error, { message, operation: context.operation, key: context.key });
  }
  return error;
}

/** Input refused before anything was sent. */
export class ValidationError extends QStashError {
  override readonly code: string = "validation_error";
}

/** The connection failed (refused, reset, DNS, TLS) on every attempt. */
export class ConnectionError extends QStashError {
  override readonly code: string = "connection_error";
}

/** The last attempt did not finish within `timeout`. */
export class TimeoutError extends QStashError {
  override readonly code: string = "timeout";
}

/** The caller's `signal` aborted the call. */
export class AbortError extends QStashError {
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
  override readonly code: string = "api_error";
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  /** The server's `error` message, or the body's text, or the status text. */
  readonly serverMessage: string;
  readonly requestId: string | undefined;

  constructor(serverMessage: string, init: APIErrorInit) {
    super(`${init.status} ${serverMessage}`, init);
    this.status = init.status;
    this.headers = init.headers;
    this.body = init.body;
    this.serverMessage = serverMessage;
    this.requestId = REQUEST_ID_HEADERS.map((h) => init.headers.get(h)).find((v) => v) ?? undefined;
  }
}

export class BadRequestError extends APIError {
  override readonly code: string = "bad_request";
}
export class AuthenticationError extends APIError {
  override readonly code: string = "authentication_error";
}
export class PermissionDeniedError extends APIError {
  override readonly code: string = "permission_denied";
}
export class NotFoundError extends APIError {
  override readonly code: string = "not_found";
}
export class ConflictError extends APIError {
  override readonly code: string = "conflict";
}
export class UnprocessableEntityError extends APIError {
  override readonly code: string = "unprocessable_entity";
}

/** 429. `limit`, `remaining` and `reset` (unix seconds) come from the burst headers, else the daily ones. */
export class RateLimitError extends APIError {
  override readonly code: string = "rate_limited";
  readonly limit: number | undefined;
  readonly remaining: number | undefined;
  readonly reset: number | undefined;

  constructor(serverMessage: string, init: APIErrorInit) {
    super(serverMessage, init);
    const { limit, remaining, reset } = rateLimitHeaders(init.headers);
    this.limit = limit;
    this.remaining = remaining;
    this.reset = reset;
  }
}

export class InternalServerError extends APIError {
  override readonly code: string = "internal_server_error";
}

const BY_STATUS: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The message a server put in a body: `{"error": "..."}`, else the text itself. */
function messageOf(body: unknown, status: number, statusText: string): string {
  if (body && typeof body === "object" && "error" in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === "string" && error) return error;
  }
  if (typeof body === "string" && body.trim()) {
    const text = body.trim();
    return text.length > 500 ? `${text.slice(0, 500)}…` : text;
  }
  return statusText || `HTTP ${status}`;
}

/**
 * The one place that turns a failed response into an error: picks the class from the
 * status. `body` is what the client parsed (JSON, text or undefined).
 */
export function makeAPIError(
  response: Pick<Response, "status" | "statusText" | "headers">,
  body: unknown,
  context: ErrorContext = {},
): APIError {
  const Class = BY_STATUS[response.status] ?? (response.status >= 500 ? InternalServerError : APIError);
  return new Class(messageOf(body, response.status, response.statusText), {
    ...context,
    status: response.status,
    headers: response.headers,
    body,
  });
}
