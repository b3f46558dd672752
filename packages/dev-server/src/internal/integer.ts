// Integers written as text (query parameters, headers, flags), held to flow-control's one
// positive-integer and whole-number check, so every refusal has the workspace's wording.
import { checkPositiveInteger, checkWholeNumber, ValidationError } from "@qstash-flow/flow-control";

/** The number `text` spells when it matches `form` and is a safe integer; else the text, which the check shows as sent. */
function spelled(text: string, form: RegExp): number | string {
  const value = Number(text);
  return form.test(text) && Number.isSafeInteger(value) ? value : text;
}

/** `text` as a positive integer, in digits without a leading zero; else a `ValidationError` naming `name`. */
export const positiveIntegerText = (name: string, text: string): number =>
  checkPositiveInteger(name, spelled(text, /^[1-9]\d*$/));

/** `text` as a whole number, in digits only (no sign, point, exponent or space); else a `ValidationError`. */
export const wholeNumberText = (name: string, text: string): number => checkWholeNumber(name, spelled(text, /^\d+$/));

/** What `check` returns, or the message of the `ValidationError` it throws: for code that answers with a reason. */
export function orReason<T>(check: () => T): T | string {
  try {
    return check();
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
}
