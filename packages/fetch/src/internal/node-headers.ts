// The headers of a request over `node:http`. Given as an object, as instrumentation that
// wraps `http.request` (OpenTelemetry's copies them with `Object.assign`) expects, and as
// Node needs to take the TLS server name from a caller's own `Host`.

declare const QSTASH_FLOW_FETCH_VERSION: string | undefined;

/** Names the package and its version, written in at build time (unbuilt sources say so). */
export const USER_AGENT = `qstash-flow-fetch/${typeof QSTASH_FLOW_FETCH_VERSION === "string" ? QSTASH_FLOW_FETCH_VERSION : "0.0.0-source"}`;

/** Headers as a plain object, as `node:http` and a spread take them. */
export const plain = (headers: Record<string, string> | Headers): Record<string, string> =>
  headers instanceof Headers ? Object.fromEntries(headers) : headers;

/**
 * `given` after the `User-Agent` and `Accept-Encoding` fetch would send, which `given` may
 * replace (Node treats names without regard to case).
 */
export function ownHeaders(given: Record<string, string> | Headers, secure: boolean): Record<string, string> {
  // What fetch asks for: br only over TLS, where no middlebox can mangle it.
  const encodings = secure ? "br, gzip, deflate" : "gzip, deflate";
  return { "user-agent": USER_AGENT, "accept-encoding": encodings, ...plain(given) };
}

/**
 * The headers of one request with `payload`, a copy of the request's own: instrumentation
 * may add its own to the object it is given (a trace id per request), which must not
 * stay for the next. With a body, its length, whatever the method: Node frames a body
 * itself only for methods that expect one (it sends a `DELETE`'s body with no length, so
 * the server reads none of it); without a body it says what it should. No header of the
 * caller's frames a body: the client's checks refuse them.
 */
export function requestHeaders(
  own: Record<string, string>,
  payload: string | Uint8Array | undefined,
): Record<string, string> {
  if (payload === undefined) return { ...own };
  return { ...own, "content-length": String(Buffer.byteLength(payload)) };
}
