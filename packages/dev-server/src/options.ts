import { ValidationError } from "@qstash-flow/fetch";
import { checkOptions, isObject, MAX_TIMER_MS, tokenProblem } from "@qstash-flow/fetch/internal";
import { checkPositiveInteger, checkWholeNumber } from "@qstash-flow/flow-control";
import {
  DEFAULT_CURRENT_SIGNING_KEY,
  DEFAULT_DEV_TOKEN,
  DEFAULT_NEXT_SIGNING_KEY,
  DEFAULT_PORT,
  DEFAULT_RETRY_DELAY_SCALE,
} from "./defaults.js";
import { DevServerOptionsError } from "./errors.js";
import type { DevServerEvent } from "./events.js";
import { type HostRule, isLoopbackHost, parseHostRule } from "./internal/destination.js";

export interface DevServerOptions {
  /** TCP port; `0` picks a free one (use it in tests). Default 8080 (`DEFAULT_PORT`). */
  port?: number;
  /**
   * Interface to listen on. Default `127.0.0.1`. Anything but loopback exposes the server
   * to the network, so it needs a `token` of your own (the default one is public).
   */
  host?: string;
  /**
   * The token clients must send, as `Authorization: Bearer <token>` or `?qstash_token=`:
   * visible ASCII, as clients can send. Default `DEFAULT_DEV_TOKEN`, upstream's documented local token.
   */
  token?: string;
  /** The key every delivery's `Upstash-Signature` is signed with. Default `DEFAULT_CURRENT_SIGNING_KEY`. */
  currentSigningKey?: string;
  /** The next signing key, reported for receivers to accept too. Default `DEFAULT_NEXT_SIGNING_KEY`. */
  nextSigningKey?: string;
  /**
   * Hosts beyond loopback that messages may be delivered to: exact host names or IPs,
   * `*.example.com` for subdomains, or `*` for any host. Loopback (127.0.0.0/8, ::1,
   * localhost) is always allowed; everything else is refused with 400 unless listed.
   */
  allowedDestinations?: readonly string[];
  /** Messages waiting across all keys, past which publish answers 429. Default 10 000. */
  maxWaitingMessages?: number;
  /** Flow-control keys the server tracks, past which a new key is refused with 429. Default 10 000. */
  maxKeys?: number;
  /** Largest message body accepted, in bytes; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Milliseconds a delivery attempt may take before it is abandoned (a failed attempt, so
   * retried) and its slot freed, for messages without `Upstash-Timeout`. Default 30 000.
   */
  deliveryTimeout?: number;
  /**
   * The factor QStash's retry delays are multiplied by, from 0 (retry at once) to 1 (wait
   * as QStash does). Default 0.001: QStash's first backoff, 12 s, becomes 12 ms, and its
   * default three retries are spent in about 2 s.
   */
  retryDelayScale?: number;
  /** The account-wide limit on deliveries in flight that `/v2/globalParallelism` reports; `0` (default) is none. */
  globalParallelism?: number;
  /** Called for every request, publish, attempt, retry, dead message, callback and drop. */
  log?: (event: DevServerEvent) => void;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  allowed: HostRule[];
  maxWaitingMessages: number;
  maxKeys: number;
  maxBodyBytes: number;
  deliveryTimeout: number;
  retryDelayScale: number;
  globalParallelism: number;
  log: ((event: DevServerEvent) => void) | undefined;
}

const KNOWN = [
  "port",
  "host",
  "token",
  "currentSigningKey",
  "nextSigningKey",
  "allowedDestinations",
  "maxWaitingMessages",
  "maxKeys",
  "maxBodyBytes",
  "deliveryTimeout",
  "retryDelayScale",
  "globalParallelism",
  "log",
];

/** What `check` returns; the `ValidationError` it throws becomes a `DevServerOptionsError` for option `name`. */
export function checkedOption<T>(name: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const problem = error.message.startsWith(`${name} `) ? error.message.slice(name.length + 1) : error.message;
    throw new DevServerOptionsError(name, problem);
  }
}

/** The workspace's one integer check, then the option's own ceiling. */
function integer(name: string, value: unknown, fallback: number, min: 0 | 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const number = checkedOption(name, () => (min === 1 ? checkPositiveInteger : checkWholeNumber)(name, value));
  if (number > max) throw new DevServerOptionsError(name, `must be at most ${max}, got ${number}`);
  return number;
}

/** A signing key ends up in environment lines and HMAC keys: visible ASCII, like a token. */
function signingKey(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || tokenProblem(value)) {
    throw new DevServerOptionsError(name, "must be a non-empty string of visible ASCII characters");
  }
  return value;
}

/** Every option checked and defaulted; an unknown or unusable one throws `DevServerOptionsError`. */
export function resolveOptions(options: DevServerOptions | undefined): ResolvedOptions {
  // The option check every client of the workspace uses; null means none, as it always has.
  try {
    checkOptions(options ?? undefined, KNOWN);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // `.option` is the option at fault: the unknown one, or the options themselves when not an object.
    const name = (isObject(options) && Object.keys(options).find((key) => !KNOWN.includes(key))) || "options";
    throw new DevServerOptionsError(name, error.message.replace(/^options /, ""));
  }
  const raw = (options ?? {}) as Record<string, unknown>;
  const host = raw.host ?? "127.0.0.1";
  if (typeof host !== "string" || host.trim() === "") {
    throw new DevServerOptionsError("host", "must be a non-empty string");
  }
  const token = raw.token ?? DEFAULT_DEV_TOKEN;
  // Exactly the tokens a client can send: a server started with another could never be used.
  const problem = typeof token === "string" ? tokenProblem(token) : "token must be a string";
  if (problem) throw new DevServerOptionsError("token", problem.replace(/^token /, ""));
  if (!isLoopbackHost(host) && (raw.token === undefined || token === DEFAULT_DEV_TOKEN)) {
    throw new DevServerOptionsError(
      "token",
      `listening on ${host}, beyond loopback, needs a token of your own: the default token is public, and ` +
        "whoever reaches the server could make it POST to any port of this machine",
    );
  }
  const currentSigningKey = signingKey("currentSigningKey", raw.currentSigningKey, DEFAULT_CURRENT_SIGNING_KEY);
  const nextSigningKey = signingKey("nextSigningKey", raw.nextSigningKey, DEFAULT_NEXT_SIGNING_KEY);
  const list = raw.allowedDestinations ?? [];
  if (!Array.isArray(list)) {
    throw new DevServerOptionsError("allowedDestinations", "must be an array of host names");
  }
  const allowed = list.map((entry: unknown) => {
    const rule = parseHostRule(entry);
    if (typeof rule === "string") throw new DevServerOptionsError("allowedDestinations", rule);
    return rule;
  });
  const scale = raw.retryDelayScale ?? DEFAULT_RETRY_DELAY_SCALE;
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale < 0 || scale > 1) {
    throw new DevServerOptionsError("retryDelayScale", `must be a number from 0 to 1, got ${String(scale)}`);
  }
  if (raw.log !== undefined && typeof raw.log !== "function") {
    throw new DevServerOptionsError("log", "must be a function");
  }
  return {
    port: integer("port", raw.port, DEFAULT_PORT, 0, 65_535),
    host,
    token: token as string,
    currentSigningKey,
    nextSigningKey,
    allowed,
    maxWaitingMessages: integer("maxWaitingMessages", raw.maxWaitingMessages, 10_000, 1),
    maxKeys: integer("maxKeys", raw.maxKeys, 10_000, 1),
    maxBodyBytes: integer("maxBodyBytes", raw.maxBodyBytes, 1024 * 1024, 0),
    deliveryTimeout: integer("deliveryTimeout", raw.deliveryTimeout, 30_000, 1, MAX_TIMER_MS),
    retryDelayScale: scale,
    globalParallelism: integer("globalParallelism", raw.globalParallelism, 0, 0),
    log: raw.log as ResolvedOptions["log"],
  };
}
