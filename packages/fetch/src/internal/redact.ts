const REDACTED = "[redacted]";
const MAX_DEPTH = 5;
// Every response is checked against one client's token: remember the last one's spellings.
let cache: { secret: string; spellings: string[] } | undefined;

/**
 * Every spelling in which the secret can reach a message: as is, and as a URL, a form
 * (`URLSearchParams`, which is how the `qstash_token` query is written) or JSON would
 * escape it. Longest first, so that no spelling is cut in half by a shorter one.
 */
export function secretSpellings(secret: string): string[] {
  if (cache?.secret === secret) return cache.spellings;
  const spellings = new Set([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ]);
  const sorted = [...spellings].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  cache = { secret, spellings: sorted };
  return sorted;
}

export function mentionsSecret(text: string, secret: string): boolean {
  return secretSpellings(secret).some((spelling) => text.includes(spelling));
}

export function redactText(text: string, secret: string): string {
  let out = text;
  for (const spelling of secretSpellings(secret)) out = out.split(spelling).join(REDACTED);
  return out;
}

/** Whether any string reachable from `value` (own properties, causes, nested errors) holds the secret. */
function mentions(value: unknown, secret: string, seen = new Set<unknown>(), depth = 0): boolean {
  if (typeof value === "string") return mentionsSecret(value, secret);
  if (typeof value !== "object" || value === null) return false;
  if (depth > MAX_DEPTH || seen.has(value)) return false;
  seen.add(value);
  // Own names, not just enumerable ones: `message`, `stack` and `cause` are not enumerable.
  return Object.getOwnPropertyNames(value).some((name) => {
    const descriptor = Object.getOwnPropertyDescriptor(value, name);
    return descriptor !== undefined && "value" in descriptor && mentions(descriptor.value, secret, seen, depth + 1);
  });
}

function redactValue(value: unknown, secret: string, depth: number): unknown {
  if (typeof value === "string") return redactText(value, secret);
  if (typeof value !== "object" || value === null || !mentions(value, secret)) return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (value instanceof Error) return redactError(value, secret, depth + 1);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secret, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, secret, depth + 1)]));
}

/**
 * `error` itself when nothing in it mentions `secret`; otherwise a plain `Error` copy
 * with the secret cut out of its message, stack, causes and other own properties. Some
 * fetch implementations put the request URL (and so a `qstash_token` query) into their
 * errors.
 */
export function redactError(error: unknown, secret: string | undefined, depth = 0): unknown {
  if (!secret || !mentions(error, secret)) return error;
  if (typeof error !== "object" || error === null) return redactText(String(error), secret);
  const source = error as Record<string, unknown>;
  const copy = new Error(redactText(String(source.message ?? ""), secret));
  copy.name = typeof source.name === "string" ? redactText(source.name, secret) : "Error";
  copy.stack = redactText(String(source.stack ?? ""), secret);
  // Every other own data property (`cause`, `code`, an AggregateError's `errors`...), redacted.
  for (const name of Object.getOwnPropertyNames(source)) {
    const descriptor = Object.getOwnPropertyDescriptor(source, name);
    if (["message", "stack", "name"].includes(name) || !descriptor || !("value" in descriptor)) continue;
    Object.defineProperty(copy, name, { ...descriptor, value: redactValue(descriptor.value, secret, depth) });
  }
  return copy;
}
