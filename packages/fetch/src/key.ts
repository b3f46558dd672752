import { ValidationError } from "./errors.js";

// Dot-segments in any spelling: URL parsers remove them, so no encoding can carry them.
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
// C0 and C1 controls and DEL: invisible in logs and refused by many proxies.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `key` cannot be sent as a flow-control key, or `undefined` when it can. */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== "string") return `the key must be a string, got ${key === null ? "null" : typeof key}`;
  if (key === "") return "the key must not be empty";
  if (DOT_SEGMENT.test(key)) return `the key ${JSON.stringify(key)} is a dot-segment, which URLs cannot carry`;
  if (CONTROL.test(key)) return "the key must not contain control characters";
  if (!isWellFormed(key)) return "the key must be well-formed Unicode (no lone surrogates)";
  return undefined;
}

function isWellFormed(text: string): boolean {
  // String.prototype.isWellFormed is missing from older runtimes.
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
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
  return pathname.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) {
      throw new ValidationError(`the path parameter ${name} is missing for ${pathname}`);
    }
    return encodeKey(value as string);
  });
}
