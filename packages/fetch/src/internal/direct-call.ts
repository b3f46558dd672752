// In Node, the typed client's calls that nothing but the client reads (no middleware, body
// or headers of their own, the reply parsed as JSON) are sent here rather than through
// openapi-fetch: its `Headers`, `Request` and the `Response` it reads cost, at 32 calls in
// flight, about half again the CPU of a bare `http.request`. The result is what
// openapi-fetch gives for the same reply (client.test.ts holds both ways to each other),
// its `response` made on first use. Lent through Node's `#send`; other platforms keep
// openapi-fetch's way, and their bundles this file's bytes.
import type { Client } from "openapi-fetch";
import { ConnectionError } from "../errors.js";
import type { CallOptions } from "../options.js";
import type { Reply } from "./exchange.js";
import { isIdempotent } from "./idempotent.js";
import { NodeReply } from "./node-reply.js";
import type { Pipeline } from "./pipeline.js";
import { parseBody } from "./reply.js";
import { emptyError, outgoingOf, shownResponse, type TypedResult } from "./typed-call.js";
import { urlOf } from "./url.js";

/** A call's options, as far as the choice of way reads them (openapi-fetch's names). */
export interface DirectInit extends Record<string, unknown> {
  body?: unknown;
  headers?: unknown;
  params?: { path?: unknown; query?: unknown; header?: unknown } | undefined;
  middleware?: unknown[] | undefined;
  parseAs?: string | undefined;
  Request?: unknown;
}

/** Sends a call directly, or `undefined` when it must go through openapi-fetch. */
export type DirectCall = (
  method: string,
  path: string,
  init: DirectInit,
  baseUrl: string,
  call: CallOptions,
) => Promise<TypedResult> | undefined;

/**
 * Follows the middleware registered on `client` (its `use` and `eject` are wrapped): while
 * any is, every call goes through openapi-fetch, whose middleware may read, change or
 * replace a request and its response.
 */
export function directCalls(client: Pick<Client<{}>, "use" | "eject">, pipeline: Pipeline): DirectCall {
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
  return (method, path, init, baseUrl, call) => {
    const direct =
      registered.length === 0 &&
      init.middleware === undefined &&
      init.body === undefined &&
      init.headers == null &&
      init.params?.header == null &&
      (init.parseAs === undefined || init.parseAs === "json") &&
      init.Request === undefined;
    return direct ? send(pipeline, method, path, init, baseUrl, call) : undefined;
  };
}

async function send(
  pipeline: Pipeline,
  method: string,
  path: string,
  init: DirectInit,
  baseUrl: string,
  call: CallOptions,
): Promise<TypedResult> {
  const url = urlOf(baseUrl, path, init.params ?? {});
  const outgoing = outgoingOf(init, method, pipeline.headers);
  const reply = await pipeline.send(url, outgoing, call, { idempotent: isIdempotent(method, path) });
  if (reply instanceof NodeReply) {
    try {
      reply.carriable();
    } catch (error) {
      // As openapi-fetch's way fails on such a reply (client.ts).
      throw new ConnectionError(`the response body could not be read: ${(error as Error).message}`, { cause: error });
    }
  }
  const body = parseBody(reply.text);
  if (reply.status >= 200 && reply.status < 300) return new DirectResult("data", body, reply, pipeline);
  return new DirectResult("error", body === undefined ? emptyError(reply) : body, reply, pipeline);
}

/**
 * openapi-fetch's result for a reply: `data` or `error` its own property, `response` made
 * on first read. A `Response` costs about a tenth of a loopback call's CPU, and a caller
 * that checks `error` never reads it. A getter of the class, not of each object (which V8
 * builds slowly): a spread of the result copies `data` or `error` alone.
 */
class DirectResult {
  declare data?: unknown;
  declare error?: unknown;
  readonly #reply: Reply;
  readonly #pipeline: Pipeline;
  #response: Response | undefined;

  constructor(key: "data" | "error", value: unknown, reply: Reply, pipeline: Pipeline) {
    this[key] = value;
    this.#reply = reply;
    this.#pipeline = pipeline;
  }

  /** As openapi-fetch hands it back: its body read, so that reading it again fails as there. */
  get response(): Response {
    if (!this.#response) {
      const response = shownResponse(this.#reply.response as Response, this.#pipeline);
      if (this.#reply.text && !response.bodyUsed) response.body?.cancel().catch(() => {});
      this.#response = response;
    }
    return this.#response;
  }

  // Assignable, as a property of openapi-fetch's result is.
  set response(response: Response) {
    this.#response = response;
  }

  // Logged as openapi-fetch's result is, the response included.
  [Symbol.for("nodejs.util.inspect.custom")](
    _depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ) {
    const own = "data" in this ? { data: this.data } : { error: this.error };
    return inspect({ ...own, response: this.response }, options);
  }
}
