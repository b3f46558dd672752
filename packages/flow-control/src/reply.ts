// What a success must look like to be the API's. A 2xx from something else (a proxy's
// HTML page, a wrong URL) must not pass for "paused" or for a key's state.
import { QStashError } from "@qstash-flow/fetch";
import { isObject, shown } from "@qstash-flow/fetch/internal";

/** A value that came back, in a few words: "null", "a list", "number 5", "a string". */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  // Server text is not quoted: it may echo the token, which only the transport can cut.
  return typeof value === "string" ? "a string" : `${typeof value} ${shown(value)}`;
}

/** A success body (the parsed JSON, its text when not JSON, or undefined when empty) in a few words. */
function describeBody(body: unknown): string {
  if (body === undefined) return "an empty body";
  if (typeof body !== "string") return `JSON: ${describeValue(body)}`;
  if (/^\s*</.test(body)) return "an HTML document";
  return "text that is not valid JSON";
}

export const notTheApis = (what: string, detail: string): QStashError =>
  new QStashError(`the response is not ${what}: ${detail}`);

/** `body` when it is a JSON object; else a `QStashError` saying what came back. */
export function expectObject(body: unknown, what: string): Record<string, unknown> {
  if (isObject(body)) return body;
  throw notTheApis(what, `got ${describeBody(body)}`);
}

/** `body` when it is a JSON array, `[]` when empty; else a `QStashError`. */
export function expectList(body: unknown, what: string): unknown[] {
  if (body === undefined) return [];
  if (Array.isArray(body)) return body;
  throw notTheApis(what, `got ${describeBody(body)}`);
}

/**
 * The API answers an action (pause, pin, ...) with an empty 200. An object or a short
 * text is tolerated; an HTML document or JSON that is not an object is not the API's.
 */
export function expectActionReply(body: unknown): void {
  if (body === undefined || (typeof body === "string" ? !/^\s*</.test(body) : isObject(body))) return;
  throw notTheApis("the API's answer to this action", `got ${describeBody(body)}`);
}
