// Sending with retries and timeouts: the one retry loop, whatever carries the attempts.
import { AbortError, ConnectionError, TimeoutError } from "../errors.js";
import type { Exchange, ExchangeHow, Outgoing, Reply } from "./exchange.js";
import { serverDelay } from "./rate-limit.js";
import { redactError } from "./redact.js";
import { arm, sleep } from "./sleep.js";

/** The longest wait between attempts; a server asking for longer gets its error at once. */
export const MAX_RETRY_DELAY_MS = 60_000;

/** Exponential from 0.5 s, capped at 8 s, minus up to 25 % jitter so clients spread out. */
export const backoffDelay = (retry: number): number => Math.min(500 * 2 ** retry, 8_000) * (1 - Math.random() / 4);

/** Arms `onTimeout` to run after `ms`; the function returned disarms it (once is enough). */
export type StartTimer = (ms: number, onTimeout: () => void) => () => void;

/** The policy of one call: the same fields on every call, so that reading them stays cheap. */
export interface SendOptions {
  exchange: Exchange;
  /** Retries after the first attempt; `0` sends exactly once. */
  maxRetries: number;
  /** Milliseconds each attempt may take, response body included. */
  timeout: number;
  signal?: AbortSignal | null | undefined;
  /** Never let this string out in an error this package composes. */
  secret: string;
}

/** What one call asks of its attempts; `ExchangeHow`'s fields pass on to every one. */
export interface SendHow extends ExchangeHow {
  /**
   * `false` for an operation that must not run twice (see idempotent.ts): then only a 429
   * is retried, the API having refused the request before doing anything. A connection
   * error is not, even one made before sending (refused, DNS): telling those apart costs
   * every bundle bytes for a failure a second run of the command fixes as well.
   */
  idempotent?: boolean | undefined;
  /**
   * Leave the last attempt running (its timeout and the caller's signal still armed)
   * until `release` is called: for a caller that reads the body itself.
   */
  hold?: boolean;
}

export interface Sent extends Reply {
  /** With `hold`: ends the last attempt's timeout. */
  release(): void;
}

/**
 * Sends with retries on connection errors, timeouts, 408, 429 and 5xx (fewer when not
 * `idempotent`). Resolves with the
 * last reply (a failed status included; also a retryable one whose server asked to wait
 * longer than `MAX_RETRY_DELAY_MS`); rejects only with `ConnectionError`, `TimeoutError`
 * or `AbortError`.
 */
export async function send(url: string, outgoing: Outgoing, options: SendOptions, how: SendHow): Promise<Sent> {
  const { maxRetries, timeout, secret, signal } = options;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw aborted(signal);
    const started = options.exchange(url, outgoing, how);
    // The attempt fails with this error: `failure` tells a timeout from other failures.
    // A TimeoutError also for a caller still reading the body when it fires (`hold`).
    // The caller's signal cancels it with its reason; `release` disarms both.
    const release = arm(
      timeout,
      () => started.cancel(new TimeoutError(`no response within ${timeout} ms`)),
      signal,
      () => started.cancel(signal?.reason),
    );

    let reply: Reply | undefined;
    let failure: unknown;
    try {
      reply = await started.reply;
    } catch (error) {
      failure = error;
    }
    // 0: no reply.
    const status = reply?.status ?? 0;
    // Not idempotent: a retry is safe only if this attempt surely did nothing.
    const retriesLeft = attempt < maxRetries && (how.idempotent !== false || status === 429);
    const retryable = retriesLeft && (status === 408 || status === 429 || status >= 500);
    const wait = reply && retryable ? serverDelay(reply.headers, status) : undefined;
    if (reply && (!retryable || (wait ?? 0) > MAX_RETRY_DELAY_MS)) {
      if (!how.hold) release();
      return Object.assign(reply, { release });
    }
    release();
    // A reply left unread that is retried is read by no one: let its connection go.
    if (how.asResponse) reply?.response?.body?.cancel().catch(() => {});
    if (signal?.aborted) throw aborted(signal);
    if (!(reply || retriesLeft)) {
      const unsure = attempt < maxRetries ? "; not retried, as it may have arrived" : "";
      const attempts = `${attempt + 1} attempt${attempt ? "s" : ""}${unsure}`;
      if (failure instanceof TimeoutError) throw new TimeoutError(`no response within ${timeout} ms (${attempts})`);
      const cause = redactError(failure, secret);
      throw new ConnectionError(
        `connection failed after ${attempts}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
    // Ends early when the signal aborts; the next turn of the loop then throws.
    await sleep(wait ?? backoffDelay(attempt), signal);
  }
}

/** The error of a call its signal aborted, wherever the pipeline notices it. */
export const aborted = (signal: AbortSignal) =>
  new AbortError("the call was aborted by its signal", { cause: signal.reason });
