// Where a published message may go. The default is loopback only, so a test that
// publishes to a typo'd or production URL fails loudly instead of sending real traffic.

import { queryToken } from "./auth.js";

export type HostRule = { any: true } | { exact: string } | { suffix: string };

const PLACEHOLDER = "placeholder.invalid";

/** `host` as the URL parser spells it, or undefined when it is not a host name or IP. */
function canonicalHost(host: string): string | undefined {
  const probe = new URL("http://placeholder.invalid");
  // The setter ignores what it cannot parse, which is how invalid input shows.
  probe.hostname = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return probe.hostname === PLACEHOLDER || probe.hostname === "" ? undefined : probe.hostname;
}

/** One `allowedDestinations` entry as a rule, or the reason it is not one. */
export function parseHostRule(entry: unknown): HostRule | string {
  if (typeof entry !== "string" || entry.trim() === "") return "entries must be non-empty host names";
  const text = entry.trim().toLowerCase();
  if (text === "*") return { any: true };
  if (/[/?#@]/.test(text)) return `${JSON.stringify(entry)} is not a host name (give the host only, no scheme or path)`;
  if (text.startsWith("*.")) {
    const base = canonicalHost(text.slice(2));
    return base ? { suffix: `.${base}` } : `${JSON.stringify(entry)} is not a valid wildcard host`;
  }
  const host = canonicalHost(text);
  return host ? { exact: host } : `${JSON.stringify(entry)} is not a valid host name or IP`;
}

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
// IPv4-mapped 127.0.0.0/8 as the URL parser prints it, e.g. [::ffff:7f00:1].
const LOOPBACK_MAPPED = /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/;

/** Whether a URL's `hostname` (as the URL parser spells it) is loopback. */
function isLoopbackHostname(host: string): boolean {
  return host === "localhost" || host === "[::1]" || LOOPBACK_V4.test(host) || LOOPBACK_MAPPED.test(host);
}

export function isLoopback(url: URL): boolean {
  return isLoopbackHostname(url.hostname);
}

/** Whether listening on `host` keeps the server to this machine; a name that is not `localhost` may resolve anywhere. */
export function isLoopbackHost(host: string): boolean {
  const canonical = canonicalHost(host.trim().toLowerCase());
  return canonical !== undefined && isLoopbackHostname(canonical);
}

export function isAllowedDestination(url: URL, rules: readonly HostRule[]): boolean {
  if (isLoopback(url)) return true;
  const host = url.hostname;
  return rules.some((rule) =>
    "any" in rule ? true : "exact" in rule ? rule.exact === host : host.endsWith(rule.suffix),
  );
}

export type ParsedDestination = { url: URL; token: string | undefined } | { error: string };

const USAGE = "the destination must be a full http(s) URL after /v2/publish/, raw or percent-encoded";

/**
 * The destination from what follows `/v2/publish/` in the request target. Percent-encoded
 * (`https%3A%2F%2F...`), it is decoded once and any query after it is the server's own.
 * Raw (`https://...`), the query belongs to the destination, except `qstash_token`,
 * which is taken out and used for auth.
 */
export function parseDestination(rest: string): ParsedDestination {
  let text: string;
  let token: string | undefined;
  if (/^https?%3a/i.test(rest)) {
    const mark = rest.indexOf("?");
    const encoded = mark === -1 ? rest : rest.slice(0, mark);
    const given = mark === -1 ? undefined : queryToken(new URLSearchParams(rest.slice(mark + 1)));
    if (typeof given === "object") return given;
    token = given;
    try {
      text = decodeURIComponent(encoded);
    } catch {
      return { error: `${USAGE}; its percent-encoding is malformed` };
    }
  } else if (/^https?:/i.test(rest)) {
    text = rest;
  } else {
    return { error: rest === "" ? `${USAGE}; it is missing` : USAGE };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `${USAGE}; ${JSON.stringify(text)} is not one` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { error: USAGE };
  if (token === undefined && url.searchParams.has("qstash_token")) {
    const given = queryToken(url.searchParams);
    if (typeof given === "object") return given;
    token = given;
    url.searchParams.delete("qstash_token");
  }
  return { url, token };
}
