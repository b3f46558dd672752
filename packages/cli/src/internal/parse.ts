import {
  checkPositiveInteger,
  checkWholeNumber,
  type DurationUnit,
  durationExamples,
  durationMs,
  durationText,
  MAX_PERIOD_SECONDS,
  MAX_TIMER_MS,
  millisecondsText,
  PERIOD_UNITS,
  periodSeconds,
  ValidationError,
} from "@qstash-flow/flow-control";
import { InvalidArgumentError } from "commander";

/**
 * `value` as a number when it is written with digits only (`"3"`, not `"3.0"`, `"3x"`,
 * `"0x3"` or `" 3"`) and `check` (the library's own rule) takes it; else `message`.
 */
function strictly(value: string, check: (name: string, value: unknown) => number, message: string): number {
  try {
    if (/^\d+$/.test(value)) return check("value", Number(value));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
  }
  throw new InvalidArgumentError(message);
}

/** A strictly written positive whole number. */
export const positiveInteger = (value: string): number =>
  strictly(value, checkPositiveInteger, "expected a positive whole number.");

/** A whole number from 0: `--retries 0` sends once. */
export const wholeNumber = (value: string): number =>
  strictly(value, checkWholeNumber, "expected a whole number from 0.");

/** A port: a whole number from 0 (any free port) to 65535. */
export function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535) {
    throw new InvalidArgumentError("expected a port number from 0 to 65535.");
  }
  return number;
}

/** What a flag with `units` accepts, for its error message: the forms, and that a bare number is not one. */
function durationRule(value: string, units: readonly DurationUnit[], range: string): InvalidArgumentError {
  const bare = /^\d+$/.test(value) ? "a bare number has no unit: " : "";
  return new InvalidArgumentError(`${bare}expected a duration such as ${durationExamples(units)}${range}.`);
}

/** A period (`"30s"`, `"5m"`, `"1h"`, `"1d"`), as seconds; at most one week. A bare number is refused: it has no unit. */
export function period(value: string): number {
  if (/^\d+$/.test(value)) throw durationRule(value, PERIOD_UNITS, `, at most ${durationText(MAX_PERIOD_SECONDS)}`);
  try {
    // The wrapper's own rule, so the CLI and the library accept the same durations.
    return periodSeconds(value);
  } catch (error) {
    // The wrapper's message names the rule broken, the one-week limit included.
    if (error instanceof ValidationError) throw new InvalidArgumentError(`${error.message}.`);
    throw error;
  }
}

/** The units of the flags that take milliseconds: no timer runs for days. */
const FLAG_UNITS = ["ms", "s", "m", "h"] as const satisfies readonly DurationUnit[];

/** A duration flag in milliseconds, from `min` to the longest a timer can wait; a bare number is refused. */
function milliseconds(min: number): (value: string) => number {
  return (value) => {
    const ms = durationMs(value, FLAG_UNITS);
    if (ms === undefined || ms < min || ms > MAX_TIMER_MS) {
      throw durationRule(value, FLAG_UNITS, `, from ${millisecondsText(min)} to ${MAX_TIMER_MS}ms (about 24 days)`);
    }
    return ms;
  };
}

/** A timeout (`"500ms"`, `"10s"`, `"2m"`, `"1h"`), as milliseconds. */
export const timeout = milliseconds(1);

/** The time between two polls (`watch`, `metrics`, `doctor`), as milliseconds, from `min` ms. */
export const interval = milliseconds;

/** `parse`, refusing a second occurrence of the option instead of silently keeping the last one. */
export function once<T>(parse: (value: string) => T): (value: string, previous: T | undefined) => T {
  return (value, previous) => {
    if (previous !== undefined) throw new InvalidArgumentError("the option is given twice.");
    return parse(value);
  };
}

/** Where to listen: `host:port` (`127.0.0.1:9464`, `0.0.0.0:9464`, `[::1]:9464`); port 0 picks a free one. */
export function listenAddress(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]\s]+)):(\d+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected host:port, such as "127.0.0.1:9464" or "[::1]:9464".');
  return { host: (match[1] ?? match[2]) as string, port: port(match[3] as string) };
}
