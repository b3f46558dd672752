// A reply that came over `node:http`, read in full. What is costly to make (its `Headers`,
// its `Response`) is made on first use: most replies (a 200 to a pause) are never asked
// for either.
import type { IncomingMessage } from "node:http";
import type { Reply } from "./exchange.js";

/** The reply's header lines appended to `headers` as received. Node's parser has already
 * refused any name or value that `Headers` would. */
function appendHeaders(headers: Headers, raw: string[]): Headers {
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

/** Statuses whose replies have no body in fetch, whatever came with them (a 205 may bring one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** UTF-8, a leading byte order mark dropped, as fetch's `text()` decodes. */
const utf8 = new TextDecoder();

/**
 * A class, not an object literal with getters, which V8 builds slowly on every call. A
 * `Headers` costs about a tenth of a loopback call, a `Response` with a body (its stream)
 * more than the rest of the call's JavaScript.
 */
export class NodeReply implements Reply {
  readonly status: number;
  readonly statusText: string;
  readonly #url: string;
  readonly #rawHeaders: string[];
  readonly #bytes: Buffer | undefined;
  #headers: Headers | undefined;
  #response: Response | undefined;

  /** `bytes`: the body as received, decoded from its content encoding. */
  constructor(url: string, message: IncomingMessage, bytes: Buffer | undefined) {
    this.status = message.statusCode ?? 0;
    this.statusText = message.statusMessage ?? "";
    this.#url = url;
    // The lines, not the message: a result kept by the caller must not keep the request.
    this.#rawHeaders = message.rawHeaders;
    this.#bytes = NULL_BODY.has(this.status) ? undefined : bytes;
  }

  // Decoded on each read, not kept: read once, and a result kept by the caller holds its data.
  get text(): string {
    return this.#bytes ? utf8.decode(this.#bytes) : "";
  }

  get headers(): Headers {
    this.#headers ??= appendHeaders(new Headers(), this.#rawHeaders);
    return this.#headers;
  }

  /**
   * Made from what came on the wire: status, headers and bytes, unread. Its `url` is the
   * one requested, as fetch's would be (redirects are never followed). No bytes make a
   * null `body`, as for a 204. Throws what `Response` throws for a status or reason phrase
   * it refuses (a status of 600, a control character): see `assertCarriable`.
   */
  get response(): Response {
    if (!this.#response) {
      const body = this.#bytes?.length ? (this.#bytes as Uint8Array<ArrayBuffer>) : null;
      const response = new Response(body, { status: this.status, statusText: this.statusText });
      // Into the response's own headers: a `Headers` given to the constructor would be copied.
      appendHeaders(response.headers, this.#rawHeaders);
      Object.defineProperty(response, "url", { value: this.#url, configurable: true });
      this.#response = response;
    }
    return this.#response;
  }

  /** Throws, as `response` would, when no `Response` can carry this reply; costs no body. */
  assertCarriable(): void {
    const valid = this.status >= 200 && this.status <= 599 && REASON_PHRASE.test(this.statusText);
    // Only what the HTTP grammar refuses is handed to `Response`, the judge, to refuse.
    if (!valid) new Response(null, { status: this.status, statusText: this.statusText });
  }
}

/** RFC 9110's reason-phrase: tabs, spaces, visible characters and obs-text. */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;
