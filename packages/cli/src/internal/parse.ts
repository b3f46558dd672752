import { MAX_TIMER_MS, periodSeconds, ValidationError } from "@qstash-flow/flow-control";
import { InvalidArgumentError } from "commander";
import { millisecondsText } from "./format.js";

/** A strictly written positive whole number: `"3"`, not `"3.0"`, `"3x"`, `"0x3"` or `" 3"`. */
export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError("expected a positive whole number.");
  }
  return number;
}

/** A whole number from 0: `--retries 0` sends once. */
export function wholeNumber(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number)) {
    throw new InvalidArgumentError("expected a whole number from 0.");
  }
  return number;
}

/** A port: a whole number from 0 (any free port) to 65535. */
export function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535) {
    throw new InvalidArgumentError("expected a port number from 0 to 65535.");
  }
  return number;
}

/** A period: seconds (`"30"`) or a duration (`"30s"`, `"5m"`, `"1h"`, `"1d"`), as seconds; at most one week. */
export function period(value: string): number {
  try {
    // The wrapper's own rule, so the CLI and the library accept the same durations.
    return periodSeconds(/^\d+$/.test(value) ? Number(value) : value);
  } catch (error) {
    // The wrapper's message names the rule broken, the one-week limit included.
    if (error instanceof ValidationError) throw new InvalidArgumentError(`${error.message}.`);
    throw error;
  }
}

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
type Unit = keyof typeof UNITS;

/** `"500ms"`, `"10s"`, `"2m"`, `"1h"`, or a bare whole number of `bare`, as milliseconds; NaN when it is none of these. */
function durationMs(value: string, bare: Unit): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(value);
  return match ? Number(match[1]) * UNITS[(match[2] as Unit | undefined) ?? bare] : Number.NaN;
}

/** A timeout: seconds (`"10"`) or a duration (`"500ms"`, `"10s"`, `"2m"`, `"1h"`), as milliseconds. */
export function timeout(value: string): number {
  const ms = durationMs(value, "s");
  if (!(ms >= 1 && ms <= MAX_TIMER_MS)) {
    throw new InvalidArgumentError(
      `expected seconds or a duration such as "500ms", "10s", "2m", from 1ms to ${MAX_TIMER_MS}ms (about 24 days).`,
    );
  }
  return ms;
}

/**
 * The time between two polls (`watch`, `metrics`, `doctor`), as milliseconds: a duration
 * as `timeout` takes it, or a bare whole number of `bare` units (each command keeps the
 * unit its flag always had); from `min` ms to the longest a timer can wait.
 */
export function interval(bare: "ms" | "s", min: number): (value: string) => number {
  const unit = bare === "ms" ? "milliseconds" : "seconds";
  return (value) => {
    const ms = durationMs(value, bare);
    if (!(ms >= min && ms <= MAX_TIMER_MS)) {
      throw new InvalidArgumentError(
        `expected an interval such as "500ms", "10s", "2m", "1h" (a bare number is ${unit}), from ${millisecondsText(min)} to ${MAX_TIMER_MS}ms (about 24 days).`,
      );
    }
    return ms;
  };
}

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
