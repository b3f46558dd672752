const REDACTED = "[redacted]";
const MAX_DEPTH = 5;
/**
 * Below this length a token is not searched for in free text: a short token can be part
 * of any word ("t" is in "fetch failed"), so cutting it would shred messages. Such a
 * token is still cut where a request carries it: after `qstash_token=` and `Bearer `.
 */
const MIN_FREE_TEXT_SECRET = 8;
// Composed texts are checked against one client's token: remember the last one's pattern.
let cachedSecret: string | undefined;
let cachedPattern: RegExp;

/** Where a request carries the token: the query parameter and the Authorization header. */
const CARRIED = /(qstash_token=|Bearer\s+)([^\s&#"'<>,;]+)/gi;

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const anyCaseHex = (hex: string) => hex.replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);

/**
 * Matches the secret in every spelling a request can put it in: each character as is
 * (case-sensitive: tokens are), percent-encoded (hex digits in either case, every
 * character or only some), or backslash-escaped as JSON writes it (`\"`, `\/`, `\u002f`).
 * Global; used only with `split` and `replace`, which reset it.
 */
function secretPattern(secret: string): RegExp {
  if (cachedSecret !== secret) {
    cachedSecret = secret;
    // Tokens are ASCII, so one `%XX` byte spells a character.
    const source = secret.replace(/./gs, (char) => {
      const hex = char.charCodeAt(0).toString(16).padStart(4, "0");
      return `(?:\\\\?\\u${hex}|%${anyCaseHex(hex.slice(2))}|\\\\u${anyCaseHex(hex)})`;
    });
    cachedPattern = new RegExp(source, "g");
  }
  return cachedPattern;
}

/** `text` with the token cut out; `secret` must not be empty, as a client's token never is. */
export function redactText(text: string, secret: string): string {
  const carried = text.replace(CARRIED, (match, before: string, value: string) =>
    decoded(value) === secret ? before + REDACTED : match,
  );
  return secret.length < MIN_FREE_TEXT_SECRET ? carried : carried.split(secretPattern(secret)).join(REDACTED);
}

export const mentionsSecret = (text: string, secret: string): boolean => redactText(text, secret) !== text;

/** `headers` itself when no value mentions the secret, else a copy with it cut out. */
export function redactHeaders(headers: Headers, secret: string): Headers {
  let copy: Headers | undefined;
  for (const [name, value] of headers) {
    if (mentionsSecret(value, secret)) {
      copy ??= new Headers(headers);
      copy.set(name, redactText(value, secret));
    }
  }
  return copy ?? headers;
}

/**
 * Whether `value` may keep its contents where walking own properties cannot see them:
 * `Headers`, `URL`, `Request`, `Map` and other class instances (and objects without a
 * prototype), but not plain objects, arrays and errors. A fetch that fails may attach
 * any of them to its error.
 */
const opaque = (value: object) =>
  !(Array.isArray(value) || value instanceof Error || Object.getPrototypeOf(value) === Object.prototype);

/**
 * Whether any string reachable from `value` (own properties, causes, nested errors) may
 * hold the secret; an opaque object always may.
 */
function mentions(value: unknown, secret: string, depth = 0): boolean {
  if (typeof value === "string") return mentionsSecret(value, secret);
  // Own names, not just enumerable ones: `message`, `stack` and `cause` are not enumerable.
  // The depth limit also ends cycles.
  return (
    typeof value === "object" &&
    value !== null &&
    depth <= MAX_DEPTH &&
    (opaque(value) ||
      Object.getOwnPropertyNames(value).some((name) =>
        mentions(Object.getOwnPropertyDescriptor(value, name)?.value, secret, depth + 1),
      ))
  );
}

/**
 * `value` itself when nothing in it mentions `secret`; otherwise a copy with the secret
 * cut out of every string in it: an error's message, stack, causes and other own
 * properties (an `Error` copy of the same name), arrays and plain objects alike. Some
 * fetch implementations put the request URL (and so a `qstash_token` query) or the
 * request itself into their errors. An opaque object (`Headers`, `URL`, `Request`, ...)
 * becomes `[redacted]`, as does whatever still mentions the secret past the depth limit.
 */
export function redactError(value: unknown, secret: string | undefined, depth = 0): unknown {
  if (!secret || !mentions(value, secret)) return value;
  // `mentions` holds only for a string or an object.
  if (typeof value === "string") return redactText(value, secret);
  if (depth >= MAX_DEPTH || opaque(value as object)) return REDACTED;
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
