// The one request pipeline every front end sends through: options checked once when a
// client is made, then per call the URL (token query included), the attempts (send.ts)
// and the reply's value or typed error (reply.ts).
/// <reference path="./send-import.d.ts" />
import { defaultExchange } from "#send";
import { ValidationError } from "../errors.js";
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, type QStashClientOptions } from "../options.js";
import { checkHeaders, checkOptions, checkPolicy, checkToken, resolveBaseUrl, shown } from "./checks.js";
import { fetchExchange, globalFetch } from "./fetch-exchange.js";
import { redactError } from "./redact.js";
import { settle } from "./reply.js";
import type { Pipeline } from "./pipeline-type.js";
import { send } from "./send.js";
import { withSearch } from "./url.js";

const CLIENT_OPTIONS = ["token", "baseUrl", "region", "authScheme", "fetch", "headers", "maxRetries", "timeout"];

/**
 * Checks a client's options; throws `ValidationError`. Sends through the caller's
 * `fetch`, else the platform's default (in Node `node:http`, or the global `fetch` while
 * the app has set a global dispatcher; the global `fetch` elsewhere).
 */
export function createPipeline(options: QStashClientOptions): Pipeline {
  checkOptions(options, CLIENT_OPTIONS);
  // Without options, no token: this throws.
  const token = checkToken(options?.token);
  const { authScheme = "header", fetch, maxRetries = DEFAULT_MAX_RETRIES, timeout = DEFAULT_TIMEOUT } = options;
  if (authScheme !== "header" && authScheme !== "query") {
    throw new ValidationError(`authScheme must be "header" or "query", got ${shown(authScheme)}`);
  }
  if (fetch !== undefined && typeof fetch !== "function") throw new ValidationError("fetch must be a function");
  checkPolicy(options);
  const headerScheme = authScheme === "header";
  const headers = Object.fromEntries(new Headers(checkHeaders(options.headers, headerScheme)));
  if (headerScheme) headers.authorization = `Bearer ${token}`;
  const baseUrl = resolveBaseUrl(options);
  const exchange = fetch || !defaultExchange ? fetchExchange(fetch ?? globalFetch) : defaultExchange();
  const tokenQuery = headerScheme ? "" : `${new URLSearchParams({ qstash_token: token })}`;
  return {
    baseUrl,
    headers,
    headerScheme,
    send: (url, outgoing, call = {}, how) =>
      send(
        withSearch(url, tokenQuery),
        outgoing,
        {
          exchange,
          maxRetries: call.maxRetries ?? maxRetries,
          timeout: call.timeout ?? timeout,
          signal: call.signal,
          secret: token,
        },
        how,
      ),
    settle: (reply) => settle(reply, token),
    redact: (value) => redactError(value, token),
  };
}
