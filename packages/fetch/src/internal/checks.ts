// Checking options and policy: every client option and every call option is checked
// here, once, before anything is sent. The number checks and `shown` are the whole
// workspace's (one wording everywhere): sibling packages reach them through the
// `@qstash-flow/fetch/internal` entry point.
import { ValidationError } from "../errors.js";
import { DEFAULT_BASE_URL, REGIONS, type Region } from "../options.js";

/** The longest delay timers take; beyond it Node fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A value as a message shows it: `NaN` and `Infinity` by name (JSON would say `null`). */
export function shown(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Whether `value` is an object with named fields: not null, not a list. */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Throws `ValidationError` unless `value` is undefined or an object whose keys are all in `names`. */
export function checkOptions(value: unknown, names: readonly string[], what = "options"): void {
  if (value === undefined) return;
  if (!isObject(value)) throw new ValidationError(`${what} must be an object`);
  for (const name in value) {
    if (!names.includes(name)) {
      throw new ValidationError(`unknown ${what.slice(0, -1)} ${JSON.stringify(name)}; expected ${names.join(", ")}`);
    }
  }
}

/** `value` when it is a positive safe integer, else a `ValidationError` naming the option `name`. */
export function checkPositiveInteger(name: string, value: unknown): number {
  if (!(Number.isSafeInteger(value) && (value as number) > 0)) {
    throw new ValidationError(`${name} must be a positive integer, got ${shown(value)}`);
  }
  return value as number;
}

/** `value` when it is a safe integer >= 0, else a `ValidationError` naming the option `name`. */
export function checkWholeNumber(name: string, value: unknown): number {
  if (!(Number.isSafeInteger(value) && (value as number) >= 0)) {
    throw new ValidationError(`${name} must be a whole number >= 0, got ${shown(value)}`);
  }
  return value as number;
}

/** `maxRetries` and `timeout`, of a client or of a call. */
export function checkPolicy(policy: { maxRetries?: unknown; timeout?: unknown }): void {
  const { maxRetries, timeout } = policy;
  if (maxRetries !== undefined) checkWholeNumber("maxRetries", maxRetries);
  if (timeout !== undefined && !(typeof timeout === "number" && timeout > 0 && timeout <= MAX_TIMER_MS)) {
    throw new ValidationError(`timeout must be a number of milliseconds > 0, got ${shown(timeout)}`);
  }
}

/** A call's `maxRetries`, `timeout` and `signal`. */
export function checkCall(options: unknown): void {
  checkOptions(options, ["signal", "maxRetries", "timeout"]);
  const { signal } = (options ?? {}) as { signal?: { addEventListener?: unknown } | null };
  checkPolicy(options ?? {});
  if (signal != null && typeof signal.addEventListener !== "function") {
    throw new ValidationError("signal must be an AbortSignal");
  }
}

/**
 * Why `token` cannot be sent, or `undefined`: anything outside visible ASCII would make
 * the runtime throw an error that quotes the token. Servers that take tokens (the dev
 * server) accept exactly these.
 */
export function tokenProblem(token: string): string | undefined {
  return /^[\x21-\x7e]+$/.test(token) ? undefined : "token must be a non-empty string of visible ASCII characters";
}

/** The token as it is sent: surrounding whitespace trimmed, as headers would. */
export function checkToken(raw: unknown): string {
  const token = typeof raw === "string" ? raw.trim() : "";
  const problem = tokenProblem(token);
  if (problem) throw new ValidationError(problem);
  return token;
}

export function resolveBaseUrl(options: { baseUrl?: string | undefined; region?: unknown }): string {
  const { baseUrl = DEFAULT_BASE_URL, region } = options;
  if (region !== undefined) {
    if (options.baseUrl !== undefined) throw new ValidationError("give baseUrl or region, not both");
    if (!REGIONS.includes(region as Region)) {
      throw new ValidationError(`region must be one of ${REGIONS.join(", ")}, got ${shown(region)}`);
    }
    return `https://qstash-${region}.upstash.io`;
  }
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {}
  // `href`, not `search` and `hash`: those are empty for a bare trailing "?" or "#", which
  // would still swallow the path appended to the base URL.
  if (!url || !/^https?:$/.test(url.protocol) || /[?#]/.test(url.href) || url.username || url.password) {
    throw new ValidationError("baseUrl must be an absolute http(s) URL without query, fragment or credentials");
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * Headers that frame a request on its connection, which the carrier sets from the body.
 * A caller's own would, over `node:http`, send a length the body does not have (a kept-alive
 * connection then reads the rest as the next request, or waits for bytes that never come),
 * and make Node's fetch refuse the call only once it is on its way.
 */
const FRAMING = /^(content-length|transfer-encoding|keep-alive|upgrade|expect)$/i;

/** Throws `ValidationError` when `name` is a framing header (above). */
export function checkNotFraming(name: unknown): void {
  if (FRAMING.test(String(name))) {
    throw new ValidationError(`headers must not set ${name}: the client frames each request itself`);
  }
}

/**
 * `value` (a client's or a call's headers, or openapi-fetch's `params.header`) as
 * name/value pairs, or `ValidationError` unless every name and value is valid, none is a
 * framing header (above) and, with the header scheme, none sets `Authorization`: another
 * token would replace the client's (or, set to null, remove it) and escape redaction.
 * Null and undefined values mean "not set", as openapi-fetch reads them; arrays send each item.
 */
export function checkHeaders(value: unknown, headerScheme: boolean): [string, string][] {
  if (value == null) return [];
  if (typeof value !== "object") throw new ValidationError("headers must be an object");
  const given = value instanceof Headers || Array.isArray(value) ? (value as Iterable<unknown>) : Object.entries(value);
  const pairs: [string, string][] = [];
  try {
    for (const [name, item] of given as Iterable<[string, unknown]>) {
      // Even a null one: it would remove the client's token.
      if (headerScheme && String(name).toLowerCase() === "authorization") {
        throw new ValidationError("headers must not set Authorization: give token");
      }
      // A list too: openapi-fetch sends a list's items as they are, a null one included.
      if (item != null) checkNotFraming(name);
      for (const one of [item].flat()) if (one != null) pairs.push([name, String(one)]);
    }
    new Headers(pairs);
  } catch (error) {
    throw error instanceof ValidationError
      ? error
      : new ValidationError("headers must hold valid header names and values");
  }
  return pairs;
}
