// The `Request` openapi-fetch builds for a call that nothing but the typed client reads: no
// middleware (which may read, change or replace it), no body (which `Request` encodes and
// types) and no headers of the call's own. The client reads only its URL, method and
// headers. In Node the platform's `Request` (undici's, in JavaScript: its own copy of the
// headers and an AbortSignal) costs about a tenth of a loopback call's CPU, so Node's
// `#send` lends openapi-fetch this one instead, unless the client was given a `fetch`
// (which reads the request too); other platforms keep theirs.
import type { Client } from "openapi-fetch";

/** A call's options, as far as the choice of request reads them. */
interface CallInit {
  body?: unknown;
  headers?: unknown;
  params?: { header?: unknown } | undefined;
  middleware?: unknown[] | undefined;
}

/** What the typed client reads of a request: a plain one carries the client's own headers object. */
export interface PlainRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: null;
}

/**
 * Follows the middleware registered on `client` (its `use` and `eject` are wrapped) and
 * returns what picks a call's request class: a plain one while no middleware is registered
 * and the call has no body, headers or middleware of its own, else `undefined` (the
 * platform's). A plain request's headers are `headers`, the client's: what openapi-fetch
 * would merge for such a call, as the one object the Node carrier merges its own into once.
 */
export function lendPlainRequests(
  client: Pick<Client<{}>, "use" | "eject">,
  headers: Record<string, string>,
): (init: CallInit) => (new (input: string, init?: { method?: string }) => PlainRequest) | undefined {
  class ClientRequest implements PlainRequest {
    readonly url: string;
    readonly method: string;
    readonly headers = headers;
    readonly body = null;

    constructor(input: string, init: { method?: string } = {}) {
      // As `Request` shows it: resolved and normalised (a bad URL throws a TypeError, as there).
      this.url = new URL(input).href;
      this.method = init.method ?? "GET";
    }
  }
  const registered: unknown[] = [];
  const { use, eject } = client;
  client.use = (...added) => {
    // One at a time: openapi-fetch registers each until one it refuses, then throws.
    for (const middleware of added) {
      use(middleware);
      if (middleware) registered.push(middleware);
    }
  };
  client.eject = (...removed) => {
    eject(...removed);
    for (const item of removed) {
      const at = registered.indexOf(item);
      if (at !== -1) registered.splice(at, 1);
    }
  };
  const plain = (init: CallInit) =>
    registered.length === 0 &&
    init.body === undefined &&
    init.headers == null &&
    init.params?.header == null &&
    !init.middleware?.length;
  return (init) => (plain(init) ? ClientRequest : undefined);
}
