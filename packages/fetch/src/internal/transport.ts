import { AbortError, ConnectionError, TimeoutError, ValidationError } from "../errors.js";
import { rateLimitHeaders } from "./rate-limit.js";
import { mentionsSecret, redactError, redactText } from "./redact.js";

/** What openapi-fetch calls: a `fetch` with the same signature as the global one. */
export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

export interface RetryPolicy {
  /** Retries after the first attempt; `0` sends exactly once. */
  maxRetries: number;
  /** Milliseconds each attempt may take, response body included. */
  timeout: number;
}

export const DEFAULT_POLICY: RetryPolicy = { maxRetries: 2, timeout: 30_000 };
export const MAX_RETRY_DELAY_MS = 60_000;
const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 8_000;

export function checkPolicy(policy: { maxRetries?: number | undefined; timeout?: number | undefined }): void {
  const { maxRetries, timeout } = policy;
  if (maxRetries !== undefined && !(Number.isSafeInteger(maxRetries) && maxRetries >= 0)) {
    throw new ValidationError(`maxRetries must be a whole number >= 0, got ${String(maxRetries)}`);
  }
  if (timeout !== undefined && !(typeof timeout === "number" && timeout > 0 && timeout <= 2_147_483_647)) {
    throw new ValidationError(`timeout must be a number of milliseconds > 0, got ${String(timeout)}`);
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Exponential from 0.5 s, capped at 8 s, minus up to 25 % jitter so clients spread out. */
export function backoffDelay(retry: number): number {
  const base = Math.min(BACKOFF_START_MS * 2 ** retry, BACKOFF_MAX_MS);
  return base * (1 - Math.random() * 0.25);
}

const clampDelay = (ms: number) => Math.min(Math.max(ms, 0), MAX_RETRY_DELAY_MS);

/** How long the server asked us to wait, in ms, if it said so. */
export function serverDelay(headers: Headers, status: number, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms)) return clampDelay(ms);
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (retryAfter.trim() !== "" && Number.isFinite(seconds)) return clampDelay(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return clampDelay(date - now);
  }
  if (status === 429) {
    const { reset } = rateLimitHeaders(headers);
    // QStash sends unix seconds; unix milliseconds are told apart by size, and a small
    // number can only mean "seconds from now".
    if (reset !== undefined && reset > 0) {
      if (reset > 1e12) return clampDelay(reset - now);
      return clampDelay(reset > 1e9 ? reset * 1000 - now : reset * 1000);
    }
  }
  return undefined;
}

function sleep(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Settles like `work`, or rejects with the signal's reason as soon as it aborts, for a
 * `fetch` that ignores its signal. A late result is consumed so that nothing leaks.
 */
function untilAborted(work: Promise<Response>, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (response) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) response.body?.cancel().catch(() => {});
        else resolve(response);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The body read in full, so the timeout covers it and the connection is released at
 * once. A server that echoes the secret (in the body or a header) gets it cut out here,
 * before any error, parsed body or log can hold it.
 */
async function buffered(response: Response, secret: string | undefined): Promise<Response> {
  // Most actions answer with a declared-empty body: nothing to read, nothing to cut out,
  // so the response goes on as it came (copying it costs more than the rest of a call).
  if (response.headers.get("content-length") === "0" && !(secret && headersMention(response.headers, secret))) {
    return response;
  }
  let bytes: ArrayBuffer | string = await response.arrayBuffer();
  if (secret && bytes.byteLength) {
    const text = new TextDecoder().decode(bytes);
    if (mentionsSecret(text, secret)) bytes = redactText(text, secret);
  }
  const headers = new Headers();
  for (const [name, value] of response.headers) {
    headers.append(name, secret ? redactText(value, secret) : value);
  }
  const length = typeof bytes === "string" ? new TextEncoder().encode(bytes).byteLength : bytes.byteLength;
  headers.set("content-length", String(length));
  headers.delete("content-encoding");
  headers.delete("transfer-encoding");
  const nullBody = length === 0 || [204, 205, 304].includes(response.status);
  return new Response(nullBody ? null : bytes, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

function headersMention(headers: Headers, secret: string): boolean {
  for (const [, value] of headers) if (mentionsSecret(value, secret)) return true;
  return false;
}

export interface SendOptions extends RetryPolicy {
  fetch: FetchLike;
  /** Never let this string out in a response body or an error. */
  secret?: string | undefined;
}

/**
 * Sends `request` with retries on connection errors, timeouts, 408, 429 and 5xx.
 * Resolves with the last response (a failed status included); rejects only with
 * `ConnectionError`, `TimeoutError` or `AbortError`.
 */
export async function send(request: Request, options: SendOptions): Promise<Response> {
  const { maxRetries, timeout, secret } = options;
  const callerSignal = request.signal;
  for (let attempt = 0; ; attempt++) {
    if (callerSignal.aborted) throw aborted(callerSignal);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    const forward = () => controller.abort(callerSignal.reason);
    callerSignal.addEventListener("abort", forward, { once: true });

    let response: Response | undefined;
    let failure: unknown;
    try {
      // A body can be read once: clone it for every attempt but the last.
      const input = request.body && attempt < maxRetries ? request.clone() : request;
      const attemptDone = (async () => buffered(await options.fetch(input, { signal: controller.signal }), secret))();
      response = await untilAborted(attemptDone, controller.signal);
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(timer);
      callerSignal.removeEventListener("abort", forward);
    }

    if (callerSignal.aborted) throw aborted(callerSignal);
    const retriesLeft = attempt < maxRetries;
    const attempts = `${attempt + 1} attempt${attempt === 0 ? "" : "s"}`;
    let delay: number;
    if (response) {
      if (!retriesLeft || !isRetryableStatus(response.status)) return response;
      delay = serverDelay(response.headers, response.status) ?? backoffDelay(attempt);
    } else {
      if (!retriesLeft) {
        if (timedOut) throw new TimeoutError(`no response within ${timeout} ms (${attempts})`);
        const cause = redactError(failure, secret);
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new ConnectionError(`connection failed after ${attempts}: ${reason}`, { cause });
      }
      delay = backoffDelay(attempt);
    }
    try {
      await sleep(delay, callerSignal);
    } catch {
      throw aborted(callerSignal);
    }
  }
}

function aborted(signal: AbortSignal): AbortError {
  return new AbortError("the call was aborted by its signal", { cause: signal.reason });
}
