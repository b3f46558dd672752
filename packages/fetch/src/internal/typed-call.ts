// What both ways of a typed client's call share (client.ts hands calls to openapi-fetch;
// in Node, direct-call.ts sends those nothing else reads itself): the result's shape, the
// request's fields passed on, and the response as the caller sees it.
import { messageOf } from "../errors.js";
import type { Outgoing, Reply } from "./exchange.js";
import type { Pipeline } from "./pipeline-type.js";

/** openapi-fetch's result: `data` on a 2xx, else `error`, and the `Response`. */
export type TypedResult = { data?: unknown; error?: unknown; response: Response };

/**
 * A failure's `error`: its body, or, when it came without one (or with an empty JSON
 * string), the API's shape, so that `error` is set.
 */
export function failure(body: unknown, reply: Pick<Reply, "status" | "statusText" | "headers" | "type">): unknown {
  return body === undefined || body === "" ? { error: messageOf(reply, undefined) } : body;
}

/** The response a call hands back: with the query scheme, its URL without the token. */
export function shownResponse(response: Response, pipeline: Pipeline): Response {
  if (!pipeline.headerScheme) {
    Object.defineProperty(response, "url", { value: pipeline.redact(response.url), configurable: true });
  }
  return response;
}

/** `RequestInit` fields the pipeline passes on to `fetch` as they are. */
const EXTRAS = [
  "cache",
  "credentials",
  "integrity",
  "keepalive",
  "mode",
  "priority",
  "redirect",
  "referrer",
  "referrerPolicy",
];

/**
 * What an attempt of a call sends: with the `RequestInit` fields the call set itself,
 * passed on to `fetch`. Only those: the `Request` openapi-fetch builds has a default for
 * each, and some runtimes (Cloudflare Workers) refuse fields such as `credentials` and
 * `mode` outright.
 */
export function outgoingOf(
  init: Record<string, unknown>,
  method: string,
  headers: Outgoing["headers"],
  body: ArrayBuffer | null = null,
): Outgoing {
  const outgoing: Record<string, unknown> = { method, headers, body };
  for (const name of EXTRAS) if (init[name] !== undefined) outgoing[name] = init[name];
  return outgoing as unknown as Outgoing;
}
