import { type FlowConfig, keyProblem, parsePeriod } from "./flow-value.js";
import { orReason, positiveIntegerText } from "./integer.js";
import type { KeyAction } from "./routes.js";
import { CapacityError, type Scheduler } from "./scheduler.js";

/** What a handler answers; `body` undefined means 200 with no body. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** For the `request` event. */
  flowControlKey?: string;
}

const fail = (status: number, error: string): Reply => ({ status, body: { error } });
const OK: Reply = { status: 200 };

const QUERY: Record<string, readonly string[]> = {
  pin: ["parallelism", "rate", "period"],
  unpin: ["parallelism", "rate"],
};

/** The query's values by name, or the reason it is refused: unknown or repeated names are errors, not ignored. */
function readQuery(operation: string, query: URLSearchParams): Map<string, string> | string {
  const known = QUERY[operation] ?? [];
  const values = new Map<string, string>();
  for (const [name, value] of query) {
    if (name === "qstash_token") continue;
    if (!known.includes(name)) {
      return known.length === 0
        ? `${operation} takes no query parameters, got ${JSON.stringify(name)}`
        : `unknown query parameter ${JSON.stringify(name)}; ${operation} takes ${known.join(", ")}`;
    }
    if (values.has(name)) return `the query parameter ${name} is given twice`;
    values.set(name, value);
  }
  return values;
}

function pinValues(values: Map<string, string>): FlowConfig | string {
  const config: FlowConfig = {};
  for (const [name, text] of values) {
    const number = orReason(() => positiveIntegerText(name, text));
    if (typeof number === "string") return number;
    // The period in seconds, under the same one-week limit as on publish.
    const value = name === "period" ? parsePeriod(text) : number;
    if (typeof value === "string") return value;
    config[name as keyof FlowConfig] = value;
  }
  if (values.size === 0) return "pin needs at least one of parallelism, rate, period";
  return config;
}

/** Both flags are optional and default to false, as in the spec: with neither, unpin changes nothing. */
function unpinFlags(values: Map<string, string>): { parallelism: boolean; rate: boolean } | string {
  const flags = { parallelism: false, rate: false };
  for (const [name, text] of values) {
    if (text !== "true" && text !== "false") return `${name} must be true or false, got ${JSON.stringify(text)}`;
    flags[name as keyof typeof flags] = text === "true";
  }
  return flags;
}

export function decodeKey(rawKey: string): string | { error: string } {
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    return { error: "the flow-control key in the path is not valid percent-encoding" };
  }
  const problem = keyProblem(key);
  return problem ? { error: problem } : key;
}

export function list(scheduler: Scheduler, query: URLSearchParams): Reply {
  const values = readQuery("list", query);
  if (typeof values === "string") return fail(400, values);
  const now = Date.now();
  return { status: 200, body: scheduler.keys().map((key) => key.toJSON(now)) };
}

export function globalParallelism(scheduler: Scheduler, query: URLSearchParams, max: number): Reply {
  const values = readQuery("globalParallelism", query);
  if (typeof values === "string") return fail(400, values);
  return { status: 200, body: { parallelismMax: max, parallelismCount: scheduler.inFlight } };
}

export function get(scheduler: Scheduler, name: string, query: URLSearchParams): Reply {
  const values = readQuery("get", query);
  if (typeof values === "string") return fail(400, values);
  const key = scheduler.key(name);
  if (!key) return fail(404, `no flow-control key ${JSON.stringify(name)}`);
  return { status: 200, body: key.toJSON(Date.now()) };
}

/**
 * pause and pin create an unknown key, so a key can be paused or pinned before its
 * first message; resume, unpin and resetRate on an unknown key change nothing and
 * answer 200, as there is no state to change.
 */
export function keyAction(scheduler: Scheduler, operation: KeyAction, name: string, query: URLSearchParams): Reply {
  const values = readQuery(operation, query);
  if (typeof values === "string") return fail(400, values);
  const pinned = operation === "pin" ? pinValues(values) : undefined;
  if (typeof pinned === "string") return fail(400, pinned);
  const flags = operation === "unpin" ? unpinFlags(values) : undefined;
  if (typeof flags === "string") return fail(400, flags);
  if (operation === "pause" || operation === "pin") {
    let key: ReturnType<Scheduler["ensureKey"]>;
    try {
      key = scheduler.ensureKey(name);
    } catch (error) {
      if (error instanceof CapacityError) return fail(error.status, error.message);
      throw error;
    }
    if (operation === "pause") key.paused = true;
    else key.pin(pinned as FlowConfig, Date.now());
    scheduler.pump(key);
    return OK;
  }
  const key = scheduler.key(name);
  if (!key) return OK;
  if (operation === "resume") key.paused = false;
  else if (operation === "resetRate") key.resetRate(Date.now());
  else key.unpin(flags as { parallelism: boolean; rate: boolean });
  scheduler.pump(key);
  return OK;
}
