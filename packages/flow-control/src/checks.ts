// The number checks every package of the workspace uses, with one wording: the option's
// name, the rule, and the value as it came.
import { ValidationError } from "@qstash-flow/fetch";
import { shown } from "@qstash-flow/fetch/internal";

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
