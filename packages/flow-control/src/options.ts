import { ValidationError } from "@qstash-flow/fetch";
import { checkOptions, shown } from "@qstash-flow/fetch/internal";

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

/** The longest rate period the API takes: one week, in seconds (upstream's documented maximum). */
export const MAX_PERIOD_SECONDS = 7 * 86_400;

function positiveInteger(name: string, value: unknown): number {
  if (!(Number.isSafeInteger(value) && (value as number) > 0)) {
    throw new ValidationError(`${name} must be a positive integer, got ${shown(value)}`);
  }
  return value as number;
}

/** A period in whole seconds, from seconds or a duration string; at most `MAX_PERIOD_SECONDS`. */
export function periodSeconds(value: unknown): number {
  let seconds: number;
  if (typeof value !== "string") seconds = positiveInteger("period", value);
  else {
    const match = /^(\d+)([smhd])$/.exec(value.trim());
    if (!match) {
      throw new ValidationError(
        `period must be seconds or a duration like "30s", "5m", "1h", "1d", got ${JSON.stringify(value)}`,
      );
    }
    seconds = positiveInteger("period", Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number));
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
    ...(parallelism !== undefined && { parallelism: positiveInteger("parallelism", parallelism) }),
    ...(rate !== undefined && { rate: positiveInteger("rate", rate) }),
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
