import { periodSeconds } from "@qstash-flow/flow-control";
import { InvalidArgumentError } from "commander";

/** A strictly written positive whole number: `"3"`, not `"3.0"`, `"3x"`, `"0x3"` or `" 3"`. */
export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError("expected a positive whole number.");
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

/** A period: seconds (`"30"`) or a duration (`"30s"`, `"5m"`, `"1h"`, `"1d"`), as seconds. */
export function period(value: string): number {
  try {
    // The wrapper's own rule, so the CLI and the library accept the same durations.
    return periodSeconds(/^\d+$/.test(value) ? Number(value) : value);
  } catch {
    throw new InvalidArgumentError('expected seconds or a duration such as "30s", "5m", "1h", "1d".');
  }
}

/** The longest delay a timer takes (about 24.8 days). */
export const MAX_MS = 2_147_483_647;

/** At least `min` milliseconds, and no more than a timer can wait. */
export function milliseconds(min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > MAX_MS) {
      throw new InvalidArgumentError(`expected a whole number of milliseconds, from ${min} to ${MAX_MS}.`);
    }
    return number;
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
