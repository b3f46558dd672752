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
function mentions(value: unknown, secret: string, depth = 0): boolean {
  if (typeof value === "string") return mentionsSecret(value, secret);
  // Own names, not just enumerable ones: `message`, `stack` and `cause` are not enumerable.
  // The depth limit also ends cycles.
  return (
    typeof value === "object" &&
    value !== null &&
    depth <= MAX_DEPTH &&
    Object.getOwnPropertyNames(value).some((name) =>
      mentions(Object.getOwnPropertyDescriptor(value, name)?.value, secret, depth + 1),
    )
  );
}

/**
 * `value` itself when nothing in it mentions `secret`; otherwise a copy with the secret
 * cut out of every string in it: an error's message, stack, causes and other own
 * properties (an `Error` copy of the same name), arrays and plain objects alike. Some
 * fetch implementations put the request URL (and so a `qstash_token` query) into their
 * errors. Past the depth limit, whatever still mentions it becomes `[redacted]`.
 */
export function redactError(value: unknown, secret: string | undefined, depth = 0): unknown {
  if (!secret || !mentions(value, secret)) return value;
  if (typeof value !== "object" || value === null) return redactText(String(value), secret);
  if (depth >= MAX_DEPTH) return REDACTED;
  const copy: object =
    value instanceof Error
      ? Object.assign(new Error(), { name: redactText(value.name, secret) })
      : Array.isArray(value)
        ? []
        : {};
  for (const name of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, name) as PropertyDescriptor;
    if ("value" in descriptor) {
      Object.defineProperty(copy, name, { ...descriptor, value: redactError(descriptor.value, secret, depth + 1) });
    }
  }
  return copy;
}
