// Every `Upstash-*` publish header is either honoured here or refused by name: a header
// the dev server took and ignored would make an app's tests pass for the wrong reason.
// The README's header table lists the same names; a test holds the two together.
import type { IncomingHttpHeaders } from "node:http";
import { MAX_TIMER_MS } from "@qstash-flow/fetch/internal";
import { isAllowedDestination, type HostRule } from "./destination.js";
import { parseDuration } from "./duration.js";
import { orReason, wholeNumberText } from "./integer.js";
import type { CallbackTarget } from "./message.js";
import { compileRetryDelay, type RetryDelay } from "./retry-delay.js";

/** QStash's default when `Upstash-Retries` is absent (docs: qstash/features/retry). */
export const DEFAULT_RETRIES = 3;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

export interface PublishHeaders {
  method: string;
  retries: number;
  retryDelay: RetryDelay | undefined;
  timeout: number;
  /** Unix ms; `Upstash-Not-Before` wins over `Upstash-Delay`, as QStash documents. */
  notBefore: number;
  deduplicationId: string | undefined;
  contentBasedDeduplication: boolean;
  callback: CallbackTarget | undefined;
  failureCallback: CallbackTarget | undefined;
  label: string | undefined;
  redact: string | undefined;
}

export interface Refusal {
  status: 400 | 501;
  error: string;
}

/** Headers read elsewhere (flow control, forwarding) or that carry no instruction (the SDK's telemetry). */
const READ_ELSEWHERE = [
  "upstash-flow-control-key",
  "upstash-flow-control-value",
  "upstash-telemetry-sdk",
  "upstash-telemetry-platform",
  "upstash-telemetry-runtime",
];
const HANDLED = new Set([
  ...READ_ELSEWHERE,
  "upstash-method",
  "upstash-delay",
  "upstash-not-before",
  "upstash-deduplication-id",
  "upstash-content-based-deduplication",
  "upstash-retries",
  "upstash-retry-delay",
  "upstash-timeout",
  "upstash-label",
  "upstash-redact-fields",
  "upstash-callback",
  "upstash-failure-callback",
  ...["callback", "failure-callback"].flatMap((prefix) =>
    ["method", "timeout", "retries", "retry-delay", "delay"].map((name) => `upstash-${prefix}-${name}`),
  ),
]);
const FORWARD_PREFIXES = ["upstash-forward-", "upstash-callback-forward-", "upstash-failure-callback-forward-"];

/** `upstash-retry-delay` as `Upstash-Retry-Delay`, for messages. */
export function headerName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * Headers as QStash's documents show them (a message's, a callback's): each name spelled
 * as `headerName` spells it, its values in a list, which `shown` may replace (redaction).
 */
export function headerLists(
  headers: Record<string, string | string[] | undefined>,
  shown: (name: string, values: string[]) => string[] = (_, values) => values,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[headerName(name)] = shown(name, Array.isArray(value) ? value : [value]);
  }
  return out;
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.error);
  }
}
const refuse = (status: 400 | 501, error: string): never => {
  throw new Refused({ status, error });
};

interface Context {
  allowed: readonly HostRule[];
  deliveryTimeout: number;
  now: number;
}

function reader(headers: IncomingHttpHeaders) {
  return (lower: string): string | undefined => {
    const value = headers[lower];
    return Array.isArray(value) ? value.join(", ") : value;
  };
}

function method(name: string, text: string | undefined): string {
  if (text === undefined) return "POST";
  const upper = text.trim().toUpperCase();
  return METHODS.includes(upper)
    ? upper
    : refuse(400, `${name} must be one of ${METHODS.join(", ")}, got ${JSON.stringify(text)}`);
}

function retries(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const count = orReason(() => wholeNumberText(name, text.trim()));
  return typeof count === "string" ? refuse(400, count) : count;
}

function retryDelay(name: string, text: string | undefined, fallback: RetryDelay | undefined): RetryDelay | undefined {
  if (text === undefined) return fallback;
  const compiled = compileRetryDelay(text);
  return typeof compiled === "string" ? refuse(400, compiled.replace("Upstash-Retry-Delay", name)) : compiled;
}

/**
 * A timeout is more than 0 and one timer, so held to Node's timer limit; a delay may be
 * 0 or any length (its wait is a chain of timers).
 */
function duration(name: string, text: string | undefined, kind: "timeout" | "delay"): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(name, text);
  if (typeof ms === "string") return refuse(400, ms);
  if (kind === "timeout" && ms === 0) return refuse(400, `${name} must be more than 0, got ${JSON.stringify(text)}`);
  if (kind === "timeout" && ms > MAX_TIMER_MS) {
    return refuse(400, `${name} must be at most ${MAX_TIMER_MS} ms, got ${JSON.stringify(text)}`);
  }
  return ms;
}

function url(name: string, text: string | undefined, context: Context): URL | undefined {
  if (text === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(text.trim());
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    return refuse(400, `${name} must be a full http(s) URL, got ${JSON.stringify(text)}`);
  }
  if (!isAllowedDestination(parsed, context.allowed)) {
    return refuse(400, `${name}: the host ${parsed.hostname} is not loopback and not in allowedDestinations`);
  }
  return parsed;
}

function forwarded(headers: IncomingHttpHeaders, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !name.startsWith(prefix) || name.length === prefix.length) continue;
    out[name.slice(prefix.length)] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** `Upstash-Callback` or `Upstash-Failure-Callback` and their `-Method`, `-Timeout`, ... headers. */
function callbackTarget(
  headers: IncomingHttpHeaders,
  prefix: "callback" | "failure-callback",
  message: { retries: number; retryDelay: RetryDelay | undefined; timeout: number },
  context: Context,
): CallbackTarget | undefined {
  const get = reader(headers);
  const base = `upstash-${prefix}`;
  const target = url(headerName(base), get(base), context);
  if (!target) {
    // Settings for a callback that is not there would be silently ignored.
    const orphan = Object.keys(headers).find((name) => name.startsWith(`${base}-`));
    if (orphan) refuse(400, `${headerName(orphan)} needs ${headerName(base)}`);
    return undefined;
  }
  return {
    url: target,
    method: method(headerName(`${base}-method`), get(`${base}-method`)),
    headers: forwarded(headers, `${base}-forward-`),
    // QStash: callbacks use the original message's retry settings unless told otherwise.
    retries: retries(headerName(`${base}-retries`), get(`${base}-retries`), message.retries),
    retryDelay: retryDelay(headerName(`${base}-retry-delay`), get(`${base}-retry-delay`), message.retryDelay),
    timeout: duration(headerName(`${base}-timeout`), get(`${base}-timeout`), "timeout") ?? message.timeout,
    delay: duration(headerName(`${base}-delay`), get(`${base}-delay`), "delay") ?? 0,
  };
}

const REDACT_PART = /^(body|headers?|header\[[^\]]+\])$/;

/** The publish request's `Upstash-*` headers read and checked, or the first one refused. */
export function readPublishHeaders(headers: IncomingHttpHeaders, context: Context): PublishHeaders | Refusal {
  try {
    for (const name of Object.keys(headers)) {
      if (!name.startsWith("upstash-") || HANDLED.has(name)) continue;
      if (FORWARD_PREFIXES.some((prefix) => name.startsWith(prefix) && name.length > prefix.length)) continue;
      refuse(501, `${headerName(name)}: the local QStash dev server does not implement this header; remove it`);
    }
    const get = reader(headers);
    const retryCount = retries("Upstash-Retries", get("upstash-retries"), DEFAULT_RETRIES);
    const delays = retryDelay("Upstash-Retry-Delay", get("upstash-retry-delay"), undefined);
    const timeout = duration("Upstash-Timeout", get("upstash-timeout"), "timeout") ?? context.deliveryTimeout;
    const delay = duration("Upstash-Delay", get("upstash-delay"), "delay") ?? 0;
    const notBeforeText = get("upstash-not-before");
    let notBefore = context.now + delay;
    if (notBeforeText !== undefined) {
      const seconds = orReason(() => wholeNumberText("Upstash-Not-Before", notBeforeText.trim()));
      // A time in the past is delivered now, as QStash does.
      notBefore =
        typeof seconds === "number"
          ? Math.max(context.now, seconds * 1000)
          : refuse(400, `Upstash-Not-Before must be a unix time in seconds, got ${JSON.stringify(notBeforeText)}`);
    }
    const dedupText = get("upstash-content-based-deduplication");
    if (dedupText !== undefined && !["true", "false"].includes(dedupText.trim())) {
      refuse(400, `Upstash-Content-Based-Deduplication must be true or false, got ${JSON.stringify(dedupText)}`);
    }
    const deduplicationId = get("upstash-deduplication-id");
    if (deduplicationId !== undefined && deduplicationId.trim() === "")
      refuse(400, "Upstash-Deduplication-Id is empty");
    const redact = get("upstash-redact-fields");
    if (redact !== undefined && !redact.split(",").every((part) => REDACT_PART.test(part.trim()))) {
      refuse(
        400,
        `Upstash-Redact-Fields takes body, headers or header[<name>], comma-separated; got ${JSON.stringify(redact)}`,
      );
    }
    const message = { retries: retryCount, retryDelay: delays, timeout };
    return {
      method: method("Upstash-Method", get("upstash-method")),
      ...message,
      notBefore,
      deduplicationId,
      contentBasedDeduplication: dedupText?.trim() === "true",
      callback: callbackTarget(headers, "callback", message, context),
      failureCallback: callbackTarget(headers, "failure-callback", message, context),
      label: get("upstash-label"),
      redact,
    };
  } catch (error) {
    if (error instanceof Refused) return error.refusal;
    throw error;
  }
}
