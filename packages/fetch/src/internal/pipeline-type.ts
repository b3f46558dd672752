// What a client's pipeline (pipeline.ts) offers the front ends that send through it, in a
// module of its own: the typed client's direct way, which Node's `#send` lends the
// pipeline's module, needs the type without importing that module back.
import type { CallOptions } from "../options.js";
import type { Outgoing, Reply } from "./exchange.js";
import type { SendHow, Sent } from "./send.js";

/**
 * A client's checked options, and what sends under them; no connection is opened until
 * `send`. Holds the token only in closures.
 */
export interface Pipeline {
  /** Without a trailing slash. */
  readonly baseUrl: string;
  /** Sent with every request: the client's headers, lower-cased, and the Authorization. */
  readonly headers: Record<string, string>;
  /** The token goes in the Authorization header (else in the query). */
  readonly headerScheme: boolean;
  /**
   * Sends `outgoing` to `url` (plus the token query) under the client's policy or the
   * call's; `hold`, `idempotent`, `asResponse` and `carriable` as `send` takes them.
   */
  send(url: string, outgoing: Outgoing, call: CallOptions | undefined, how: SendHow): Promise<Sent>;
  /** The reply's parsed body, or its `APIError`. */
  settle(reply: Reply): unknown;
  /** `value` with the token cut out (see `redactError`). */
  redact(value: unknown): unknown;
}
