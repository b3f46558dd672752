// Mapping a reply to a value or a typed error: the body as sent, or an `APIError`
// subclass whose message and headers carry no token.
import { makeAPIError } from "../errors.js";
import type { Reply } from "./exchange.js";
import { redactHeaders } from "./redact.js";

/** A body as JSON when it is JSON, else its text; `undefined` when empty. */
export function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** A 2xx reply's body, parsed; anything else (a redirect included) throws its `APIError`. */
export function settle(reply: Reply, secret: string): unknown {
  const body = parseBody(reply.text);
  if (reply.status >= 200 && reply.status < 300) return body;
  throw makeAPIError({ ...reply, headers: redactHeaders(reply.headers, secret) }, body, {}, secret);
}
