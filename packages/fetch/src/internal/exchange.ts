// What one attempt is, whatever carries it: `fetch` (fetch-exchange.ts) or, in Node,
// `node:http` (send-node.ts, picked through the `#send` import).

/** A response read in full, as the server sent it. */
export interface Reply {
  status: number;
  statusText: string;
  /** As received: redact them (`redactHeaders`) before they leave in an error. */
  headers: Headers;
  /** The body's text as received (never redacted: it is the caller's data); `""` when empty. */
  text: string;
  /** `"opaqueredirect"` for a redirect a browser's fetch does not show. */
  type?: string | undefined;
  /** The `Response`, when `fetch` carried the attempt. */
  response?: Response | undefined;
}

/** What an attempt sends: the same on every attempt. */
export interface Outgoing extends Omit<RequestInit, "method" | "headers" | "body" | "signal"> {
  method: string;
  /**
   * A plain object is never changed once given: the Node carrier keeps, per object, the
   * headers it merged from it (the transport gives its client's own on every call).
   */
  headers: Record<string, string> | Headers;
  /** A string or bytes, never a stream: it is sent again on a retry. */
  body?: string | ArrayBuffer | null | undefined;
}

export interface Attempt {
  /**
   * The reply, its body read in full (unless the exchange was asked to leave it to the
   * caller); rejects with what failed, or with the reason given to `cancel`.
   */
  reply: Promise<Reply>;
  /** Gives the attempt up: frees its connection and makes `reply` reject with `reason` at once. */
  cancel(reason: unknown): void;
}

/** How an attempt may be carried: `idempotent: false` for an operation that must not run twice. */
export interface ExchangeHow {
  idempotent: boolean;
}

/**
 * How an exchange hands back replies: the body as text (default), or with `asResponse`
 * the one `Response` received (for the typed client, whose openapi-fetch reads one).
 */
export interface ExchangeOptions {
  asResponse?: boolean | undefined;
}

/** Starts one attempt. */
export type Exchange = (url: string, outgoing: Outgoing, how?: ExchangeHow) => Attempt;
