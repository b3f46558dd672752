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
  /**
   * The `Response`: the one `fetch` gave (read unless asked for `asResponse`), or in Node
   * one made on first use from what came on the wire.
   */
  response?: Response | undefined;
}

/** What an attempt sends: the same on every attempt. */
export interface Outgoing extends Omit<RequestInit, "method" | "headers" | "body" | "signal"> {
  method: string;
  /**
   * A plain object is never changed once given: the Node carrier keeps, per object, the
   * headers it merged from it (the transport, and the typed client's direct way, give
   * their client's own on every call).
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

/** How an attempt may be carried, and how its reply comes back. */
export interface ExchangeHow {
  /** `false` for an operation that must not run twice (default `true`). */
  idempotent?: boolean | undefined;
  /** Leave a `fetch` reply's body unread in its `response`, for openapi-fetch to read. */
  asResponse?: boolean | undefined;
  /**
   * The reply is handed back as a `Response` (the typed client): one that no `Response`
   * can carry (a status past 599, a control character in the reason) fails the attempt,
   * as a connection that answered garbage. Replies `fetch` gave are `Response`s already.
   */
  carriable?: boolean | undefined;
}

/** Starts one attempt. */
export type Exchange = (url: string, outgoing: Outgoing, how?: ExchangeHow) => Attempt;
