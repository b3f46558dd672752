import { ValidationError } from "./errors.js";

// Dot-segments in any spelling: URL parsers remove them, so no encoding can carry them.
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** Why `key` cannot be sent as a flow-control key, or `undefined` when it can. */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== "string") return `the key must be a string, got ${key === null ? "null" : typeof key}`;
  if (key === "") return "the key must not be empty";
  if (DOT_SEGMENT.test(key)) return `the key ${JSON.stringify(key)} is a dot-segment, which URLs cannot carry`;
  // C0 and C1 controls and DEL (Cc) are invisible in logs and refused by many proxies. In a
  // `u` regex a surrogate (Cs) is a code point of its own only when it has no partner.
  if (/[\p{Cc}\p{Cs}]/u.test(key)) return "the key must not contain control characters or lone surrogates";
  return undefined;
}

/** Throws `ValidationError` unless `key` is a valid flow-control key. */
export function assertValidKey(key: unknown, context: { operation?: string | undefined } = {}): asserts key is string {
  const problem = keyProblem(key);
  if (problem) {
    throw new ValidationError(problem, {
      operation: context.operation,
      key: typeof key === "string" ? key : undefined,
    });
  }
}

/** `key` as exactly one percent-encoded path segment. */
export function encodeKey(key: string): string {
  assertValidKey(key);
  return encodeURIComponent(key);
}

/**
 * The client's only way of putting parameters into a path: every `{name}` is
 * validated and encoded as one segment.
 */
export function safePathSerializer(pathname: string, params: Record<string, unknown>): string {
  // A scan, not a split by a regular expression, which V8 runs outside compiled code: it
  // cost the typed client about 5 % of its calls per second at 32 calls in flight.
  let path = "";
  let done = 0;
  for (let open = pathname.indexOf("{"); open !== -1; open = pathname.indexOf("{", open + 1)) {
    const close = pathname.indexOf("}", open + 1);
    // `{}`, and a `{` never closed, stay as written.
    if (close > open + 1) {
      const name = pathname.slice(open + 1, close);
      const value = params[name];
      if (value === undefined) {
        throw new ValidationError(`the path parameter ${name} is missing for ${pathname}`);
      }
      path += pathname.slice(done, open) + encodeKey(value as string);
      done = close + 1;
      open = close;
    }
  }
  return path + pathname.slice(done);
}
