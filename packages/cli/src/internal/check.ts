import { ValidationError } from "@qstash-flow/flow-control";

function checkInteger(name: string, value: unknown, least: 0 | 1, expected: string): number {
  if (!(Number.isSafeInteger(value) && (value as number) >= least)) {
    throw new ValidationError(`${name} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value as number;
}

/** `value` when it is a positive safe integer, else a `ValidationError` naming the option `name`. */
export function checkPositiveInteger(name: string, value: unknown): number {
  return checkInteger(name, value, 1, "a positive integer");
}

/** `value` when it is a safe integer >= 0, else a `ValidationError` naming the option `name`. */
export function checkWholeNumber(name: string, value: unknown): number {
  return checkInteger(name, value, 0, "a whole number >= 0");
}
