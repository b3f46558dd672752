import { ValidationError } from "@qstash-flow/fetch";
import { checkOptions, checkPositiveInteger, shown } from "@qstash-flow/fetch/internal";
import { DURATION_UNITS, type DurationUnit, durationMs } from "./duration.js";

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

/** The units a rate period is written in: whole seconds and up. */
export const PERIOD_UNITS = ["s", "m", "h", "d"] as const satisfies readonly DurationUnit[];

/**
 * The longest rate period the API takes: one week, in seconds (upstream's documented
 * maximum). A literal: bundlers keep `7 * 86_400` in bundles that never pin (9 B gzipped).
 */
export const MAX_PERIOD_SECONDS: number = 604_800;

/** A period in whole seconds, from seconds or a duration string; at most `MAX_PERIOD_SECONDS`. */
export function periodSeconds(value: unknown): number {
  let seconds: number;
  if (typeof value !== "string") seconds = checkPositiveInteger("period", value);
  else {
    const ms = durationMs(value.trim(), PERIOD_UNITS);
    if (ms === undefined) {
      throw new ValidationError(
        `period must be seconds or a duration like "30s", "5m", "1h", "1d", got ${JSON.stringify(value)}`,
      );
    }
    seconds = checkPositiveInteger("period", ms / DURATION_UNITS.s);
  }
  if (seconds > MAX_PERIOD_SECONDS) {
    throw new ValidationError(`period must be at most one week (${MAX_PERIOD_SECONDS} s), got ${seconds} s`);
  }
  return seconds;
}

/** The query of a pin call, or a `ValidationError`. */
export function pinQuery(options: PinOptions | undefined): { parallelism?: number; rate?: number; period?: number } {
  checkOptions(options, ["parallelism", "rate", "period"]);
  const { parallelism, rate, period } = options ?? {};
  if (parallelism === undefined && rate === undefined && period === undefined) {
    throw new ValidationError("pin needs at least one of parallelism, rate, period");
  }
  return {
    ...(parallelism !== undefined && { parallelism: checkPositiveInteger("parallelism", parallelism) }),
    ...(rate !== undefined && { rate: checkPositiveInteger("rate", rate) }),
    ...(period !== undefined && { period: periodSeconds(period) }),
  };
}

/** The query of an unpin call, or a `ValidationError`. */
export function unpinQuery(options: UnpinOptions | undefined): { parallelism?: boolean; rate?: boolean } {
  checkOptions(options, ["parallelism", "rate"]);
  const query: { parallelism?: boolean; rate?: boolean } = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    if (value === undefined) continue;
    if (typeof value !== "boolean") throw new ValidationError(`${name} must be a boolean, got ${shown(value)}`);
    query[name as keyof UnpinOptions] = value;
  }
  if (!(query.parallelism || query.rate)) throw new ValidationError("unpin needs parallelism: true or rate: true");
  return query;
}
