import { AbortError, ConnectionError, TimeoutError, ValidationError } from "../errors.js";
import { MAX_TIMER_MS, sharedDeadline } from "./deadline.js";
import { rateLimitHeaders } from "./rate-limit.js";
import { mentionsSecret, redactError, redactText } from "./redact.js";

/** A `fetch` with the signature of the global one. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RetryPolicy {
  /** Retries after the first attempt; `0` sends exactly once. */
  maxRetries: number;
  /** Milliseconds each attempt may take, response body included. */
  timeout: number;
}

/**
 * True in the Node build only (see deadline.ts): attempts without a caller's signal then
 * share deadlines. Replaced by a constant at build time, so the default build carries none of it.
 */
declare const __SHARED_DEADLINES__: boolean;

/** Retries after the first attempt, unless the client or the call says otherwise. */
export const DEFAULT_MAX_RETRIES = 2;
/** Milliseconds per attempt, unless the client or the call says otherwise. */
export const DEFAULT_TIMEOUT = 30_000;
export const MAX_RETRY_DELAY_MS = 60_000;

export function checkPolicy(policy: { maxRetries?: number | undefined; timeout?: number | undefined }): void {
  const { maxRetries, timeout } = policy;
  if (maxRetries !== undefined && !(Number.isSafeInteger(maxRetries) && maxRetries >= 0)) {
    throw new ValidationError(`maxRetries must be a whole number >= 0, got ${String(maxRetries)}`);
  }
  if (timeout !== undefined && !(typeof timeout === "number" && timeout > 0 && timeout <= MAX_TIMER_MS)) {
    throw new ValidationError(`timeout must be a number of milliseconds > 0, got ${String(timeout)}`);
  }
}

export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** Exponential from 0.5 s, capped at 8 s, minus up to 25 % jitter so clients spread out. */
export const backoffDelay = (retry: number): number => Math.min(500 * 2 ** retry, 8_000) * (1 - Math.random() / 4);

const clampDelay = (ms: number) => Math.min(Math.max(ms, 0), MAX_RETRY_DELAY_MS);

/** How long the server asked us to wait, in ms, if it said so. */
export function serverDelay(headers: Headers, status: number, now = Date.now()): number | undefined {
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(seconds)) return clampDelay(seconds * 1000);
    if (Number.isFinite(date)) return clampDelay(date - now);
  }
  const { reset } = status === 429 ? rateLimitHeaders(headers) : {};
  // QStash sends unix seconds; unix milliseconds are told apart by size, and a small
  // number can only mean "seconds from now".
  if (reset && reset > 0)
    return clampDelay(reset > 1e12 ? reset - now : reset > 1e9 ? reset * 1000 - now : reset * 1000);
  return undefined;
}

/** A response read in full within the attempt's timeout, its body as the server sent it. */
export interface Reply {
  status: number;
  statusText: string;
  ok: boolean;
  /** As received: redact them (`redactHeaders`) before they leave the client. */
  headers: Headers;
  /** The body's text as received (never redacted: it is the caller's data); `""` when empty. */
  text: string;
  /** The response as received; its body has been read unless it was declared empty. */
  response: Response;
}

/** `headers` itself when no value mentions the secret, else a copy with it cut out. */
export function redactHeaders(headers: Headers, secret: string | undefined): Headers {
  if (!secret) return headers;
  let copy: Headers | undefined;
  for (const [name, value] of headers) {
    if (mentionsSecret(value, secret)) {
      copy ??= new Headers(headers);
      copy.set(name, redactText(value, secret));
    }
  }
  return copy ?? headers;
}

/** What `fetch` is given on every attempt: the request, plus any other `RequestInit` field a caller set. */
export interface SendInit extends Omit<RequestInit, "method" | "headers" | "body" | "signal"> {
  method: string;
  headers: Record<string, string> | Headers;
  /** Sent on every attempt, so it must be a string or bytes, never a stream. */
  body?: string | ArrayBuffer | null;
  signal?: AbortSignal | null | undefined;
}

export interface SendOptions extends RetryPolicy {
  fetch: FetchLike;
  /**
   * Also settle when the signal aborts, for a `fetch` that ignores its signal. The
   * global fetch honours it, so only an injected one needs this.
   */
  guard?: boolean;
  /** Never let this string out in an error this package composes. */
  secret?: string | undefined;
}

/**
 * Sends with retries on connection errors, timeouts, 408, 429 and 5xx. Resolves with the
 * last reply (a failed status included); rejects only with `ConnectionError`,
 * `TimeoutError` or `AbortError`.
 */
export async function send(url: string, init: SendInit, options: SendOptions): Promise<Reply> {
  const { maxRetries, timeout, secret, guard } = options;
  const callerSignal = init.signal;
  for (let attempt = 0; ; attempt++) {
    if (callerSignal?.aborted) throw aborted(callerSignal);
    let signal: AbortSignal;
    let end: () => void;
    let stop: ((reason: unknown) => void) | undefined;
    if (__SHARED_DEADLINES__ && !(callerSignal || guard)) {
      ({ signal, end } = sharedDeadline(timeout));
    } else {
      const controller = new AbortController();
      const abort = (reason?: unknown) => {
        controller.abort(reason);
        stop?.(controller.signal.reason);
      };
      const timer = setTimeout(abort, timeout);
      const forward = () => abort(callerSignal?.reason);
      callerSignal?.addEventListener("abort", forward);
      signal = controller.signal;
      end = () => {
        clearTimeout(timer);
        callerSignal?.removeEventListener("abort", forward);
      };
    }

    let reply: Reply | undefined;
    let failure: unknown;
    try {
      const work = receive(options.fetch(url, { ...init, signal }), signal);
      reply = await (guard
        ? new Promise<Reply>((resolve, reject) => {
            stop = reject;
            work.then(resolve, reject);
          })
        : work);
    } catch (error) {
      failure = error;
    } finally {
      end();
    }

    if (callerSignal?.aborted) throw aborted(callerSignal);
    const retriesLeft = attempt < maxRetries;
    if (reply && (!retriesLeft || !isRetryableStatus(reply.status))) return reply;
    if (!(reply || retriesLeft)) {
      const attempts = `${attempt + 1} attempt${attempt ? "s" : ""}`;
      if (signal.aborted) throw new TimeoutError(`no response within ${timeout} ms (${attempts})`);
      const cause = redactError(failure, secret);
      throw new ConnectionError(
        `connection failed after ${attempts}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
    const delay = (reply && serverDelay(reply.headers, reply.status)) ?? backoffDelay(attempt);
    try {
      await sleep(delay, callerSignal);
    } catch {
      throw aborted(callerSignal as AbortSignal);
    }
  }
}

/**
 * The body read in full, so the timeout covers it and the connection is released at
 * once. A declared-empty body is not read at all. A response that arrives after its
 * attempt was given up is cancelled, so nothing leaks.
 */
async function receive(pending: Promise<Response>, signal: AbortSignal): Promise<Reply> {
  const response = await pending;
  if (signal.aborted) {
    response.body?.cancel().catch(() => {});
    throw signal.reason;
  }
  const text = response.headers.get("content-length") === "0" ? "" : await response.text();
  const { status, statusText, ok, headers } = response;
  return { status, statusText, ok, headers, text, response };
}

function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort);
  });
}

const aborted = (signal: AbortSignal) => new AbortError("the call was aborted by its signal", { cause: signal.reason });
