// The header lines of a request over `node:http`, given as the flat name/value list that
// `http.request` writes as it is. Given an object instead, it stores each header through
// `setHeader` (its checks, a lower-cased copy) and then writes them from that store: about
// 5 µs of a loopback call's CPU, at 1 call in flight or 32, for the same bytes on the wire.
// A list is written at once, so the lines Node adds to an object's (`Host`, and how the
// body is framed) are added here.

declare const QSTASH_FLOW_FETCH_VERSION: string | undefined;

/** Names the package and its version, written in at build time (unbuilt sources say so). */
export const USER_AGENT = `qstash-flow-fetch/${typeof QSTASH_FLOW_FETCH_VERSION === "string" ? QSTASH_FLOW_FETCH_VERSION : "0.0.0-source"}`;

/** A request's own lines, and whether they already name the host or frame the body. */
export interface HeaderLines {
  lines: string[];
  host: boolean;
  framed: boolean;
}

/**
 * The lines of `given` (lower-cased names, as `Headers` and the client's own make them),
 * after the `User-Agent` and `Accept-Encoding` fetch would send, which `given` may replace.
 */
export function headerLines(given: Record<string, string>, secure: boolean): HeaderLines {
  // What fetch asks for: br only over TLS, where no middlebox can mangle it.
  const encodings = secure ? "br, gzip, deflate" : "gzip, deflate";
  const headers: Record<string, string> = { "user-agent": USER_AGENT, "accept-encoding": encodings, ...given };
  return {
    lines: Object.entries(headers).flat(),
    host: "host" in headers,
    framed: "content-length" in headers || "transfer-encoding" in headers,
  };
}

// Methods whose requests are expected to carry content: without any, Node says
// `Content-Length: 0`; for the others it says nothing.
const EXPECTS_CONTENT = new Set(["POST", "PUT", "PATCH"]);

/**
 * The lines sent for one request to `host` with `payload`: the request's own, then `Host`
 * and `Content-Length` unless they set them. Every body gets its length, whatever the
 * method (given an object, Node frames a `DELETE`'s body by nothing at all).
 */
export function requestLines(
  own: HeaderLines,
  host: string,
  method: string,
  payload: string | Uint8Array | undefined,
): string[] {
  const lines = own.host ? [...own.lines] : [...own.lines, "host", host];
  const length = payload === undefined ? (EXPECTS_CONTENT.has(method) ? 0 : undefined) : Buffer.byteLength(payload);
  if (!own.framed && length !== undefined) lines.push("content-length", String(length));
  return lines;
}
