const REDACTED = "[redacted]";

export function redactText(text: string, secret: string): string {
  return text.split(secret).join(REDACTED);
}

function mentions(error: unknown, secret: string, depth = 0): boolean {
  if (depth > 5 || error === null || error === undefined) return false;
  if (typeof error !== "object") return String(error).includes(secret);
  const { message, stack, cause } = error as { message?: unknown; stack?: unknown; cause?: unknown };
  return (
    String(message ?? "").includes(secret) || String(stack ?? "").includes(secret) || mentions(cause, secret, depth + 1)
  );
}

/**
 * `error` itself when it does not mention `secret`; otherwise a plain `Error` copy with
 * the secret cut out of its message, stack and causes. Some fetch implementations put
 * the request URL (and so a `qstash_token` query) into their messages.
 */
export function redactError(error: unknown, secret: string | undefined, depth = 0): unknown {
  if (!secret || !mentions(error, secret)) return error;
  if (typeof error !== "object" || error === null || depth > 5) {
    return redactText(String(error), secret);
  }
  const source = error as { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown; code?: unknown };
  const copy = new Error(redactText(String(source.message ?? ""), secret));
  copy.name = typeof source.name === "string" ? source.name : "Error";
  copy.stack = redactText(String(source.stack ?? ""), secret);
  if (source.code !== undefined) Object.assign(copy, { code: source.code });
  if (source.cause !== undefined) copy.cause = redactError(source.cause, secret, depth + 1);
  return copy;
}
