import { ValidationError } from "@qstash-flow/fetch";

export interface PinOptions {
  /** Messages delivered at once: a positive integer. */
  parallelism?: number;
  /** Messages started per period: a positive integer. */
  rate?: number;
  /** The period: seconds (a positive integer) or a duration such as `"30s"`, `"5m"`, `"1h"`, `"1d"`. */
  period?: number | string;
}

export interface UnpinOptions {
  /** Unpin the parallelism. */
  parallelism?: boolean;
  /** Unpin the rate (and its period). */
  rate?: boolean;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

type Context = { operation: string; key: string };

function fail(problem: string, context: Context): never {
  throw new ValidationError(problem, context);
}

function checkKnown(options: object, known: string[], context: Context): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) fail(`unknown option ${JSON.stringify(name)}; expected ${known.join(", ")}`, context);
  }
}

function checkObject(options: unknown, context: Context): asserts options is Record<string, unknown> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    fail("options must be an object", context);
  }
}

function positiveInteger(name: string, value: unknown, context: Context): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    fail(`${name} must be a positive integer, got ${JSON.stringify(value) ?? String(value)}`, context);
  }
  return value;
}

/** A period in whole seconds, from seconds or a duration string. */
export function periodSeconds(value: unknown, context: Context): number {
  if (typeof value === "string") {
    const match = /^(\d+)([smhd])$/.exec(value.trim());
    if (!match)
      fail(`period must be seconds or a duration like "30s", "5m", "1h", "1d", got ${JSON.stringify(value)}`, context);
    return positiveInteger("period", Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number), context);
  }
  return positiveInteger("period", value, context);
}

/** The query of a pin call, or a `ValidationError`. */
export function pinQuery(options: unknown, context: Context): { parallelism?: number; rate?: number; period?: number } {
  checkObject(options, context);
  checkKnown(options, ["parallelism", "rate", "period"], context);
  const query: { parallelism?: number; rate?: number; period?: number } = {};
  if (options.parallelism !== undefined)
    query.parallelism = positiveInteger("parallelism", options.parallelism, context);
  if (options.rate !== undefined) query.rate = positiveInteger("rate", options.rate, context);
  if (options.period !== undefined) query.period = periodSeconds(options.period, context);
  if (Object.keys(query).length === 0) fail("pin needs at least one of parallelism, rate, period", context);
  return query;
}

/** The query of an unpin call, or a `ValidationError`. */
export function unpinQuery(options: unknown, context: Context): { parallelism?: boolean; rate?: boolean } {
  checkObject(options, context);
  checkKnown(options, ["parallelism", "rate"], context);
  const query: { parallelism?: boolean; rate?: boolean } = {};
  for (const name of ["parallelism", "rate"] as const) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== "boolean") fail(`${name} must be a boolean, got ${JSON.stringify(value)}`, context);
    query[name] = value;
  }
  if (!query.parallelism && !query.rate) fail("unpin needs parallelism: true or rate: true", context);
  return query;
}
