// In Node, the typed client's calls that nothing but the client reads (no middleware, body
// or headers of their own, the reply parsed as JSON, no `Request` class of their own) are
// sent here rather than through openapi-fetch: its `Headers`, `Request` and the `Response` it reads cost, at 32 calls in
// flight, about half again the CPU of a bare `http.request`. The result is what
// openapi-fetch gives for the same reply (test/direct-call.test.ts holds both ways to
// each other), its `response` made on first touch (lazy-result.ts). Lent through Node's
// `#send`; other platforms keep openapi-fetch's way, and their bundles this file's bytes.
import type { Client } from "openapi-fetch";
import type { CallOptions } from "../options.js";
import { isIdempotent } from "./idempotent.js";
import type { Pipeline } from "./pipeline-type.js";
import { parseBody } from "./reply.js";
import { lazyResults } from "./lazy-result.js";
import { failure, outgoingOf, type TypedResult } from "./typed-call.js";
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
  const resultOf = lazyResults(pipeline);
  const send = async (method: string, path: string, init: DirectInit, baseUrl: string, call: CallOptions) => {
    const url = urlOf(baseUrl, path, init.params ?? {});
    const outgoing = outgoingOf(init, method, pipeline.headers);
    const how = { idempotent: isIdempotent(method, path), carriable: true };
    const reply = await pipeline.send(url, outgoing, call, how);
    const body = parseBody(reply.text);
    if (reply.status >= 200 && reply.status < 300) return resultOf("data", body, reply);
    return resultOf("error", failure(body, reply), reply);
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
    return direct ? send(method, path, init, baseUrl, call) : undefined;
  };
}
