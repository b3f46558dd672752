// The `Request` openapi-fetch builds for a call that nothing but this client reads: no
// middleware (which may read, change or replace it) and no body (which `Request` encodes
// and types). The client reads only its URL, method and headers, so the platform's
// `Request` (its own copy of the headers and an AbortSignal: in Node about a tenth of a
// loopback call's CPU) is not made.

/** What openapi-fetch passes to the `Request` it constructs. */
interface PlainInit {
  method?: string | undefined;
  headers?: HeadersInit | undefined;
}

export class PlainRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body = null;

  constructor(input: string, init: PlainInit = {}) {
    // As `Request` shows it: resolved and normalised (a bad URL throws a TypeError, as there).
    this.url = new URL(input).href;
    this.method = init.method ?? "GET";
    // openapi-fetch makes a fresh `Headers` per call, which no one else holds.
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
  }
}
