import { ValidationError } from "@qstash-flow/flow-control";

/** `value` when it is a positive safe integer, else a `ValidationError` naming the option `name`. */
export function checkPositiveInteger(name: string, value: unknown): number {
  if (!(Number.isSafeInteger(value) && (value as number) > 0)) {
    throw new ValidationError(`${name} must be a positive integer, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value as number;
}
