// What `#send` is in Node (package.json "imports"): attempts over `node:http` and
// `node:https` with keep-alive agents. On a loopback server Node's own HTTP does about
// 1.75x the calls per second of the global fetch one at a time, 2.4x at 32 concurrent,
// for a third of the CPU; and it cancels without an AbortSignal. Bundles for other
// platforms get send-default.ts, so they never see a `node:` import.
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Exchange, Reply } from "./exchange.js";

// Idle keep-alive sockets are unref'd by the agent, so they never keep a process alive.
const http = { agent: new HttpAgent({ keepAlive: true }), request: httpRequest };
const https = { agent: new HttpsAgent({ keepAlive: true }), request: httpsRequest };

function headersOf(response: IncomingMessage): Headers {
  // Node's parser has already refused any name or value that `Headers` would.
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

const textOf = (chunks: Buffer[]): string => (chunks.length ? Buffer.concat(chunks).toString("utf8") : "");

/**
 * A reply read as text. Its `Headers` are made on first use: most replies (a 200 to a
 * pause) are never asked for them, and a `Headers` costs about a tenth of a loopback
 * call. A class, not an object literal with a getter, which V8 builds slowly on every call.
 */
class NodeReply implements Reply {
  readonly status: number;
  readonly statusText: string;
  readonly text: string;
  readonly #message: IncomingMessage;
  #headers: Headers | undefined;

  constructor(message: IncomingMessage, text: string) {
    this.status = message.statusCode ?? 0;
    this.statusText = message.statusMessage ?? "";
    this.text = text;
    this.#message = message;
  }

  get headers(): Headers {
    this.#headers ??= headersOf(this.#message);
    return this.#headers;
  }
}

/**
 * The one `Response` of a reply, made from what came on the wire: its status, headers and
 * bytes. Its `url` is the one requested, as fetch's would be (redirects are never followed).
 * No bytes make a null `body`, as for a 204: in Node a `Response` with a body, even an
 * empty one, costs about 20 µs (its stream), more than the rest of a loopback call's JS.
 */
function responseOf(url: string, message: IncomingMessage, chunks: Buffer[]): Reply {
  const status = message.statusCode ?? 0;
  const headers = headersOf(message);
  const body = chunks.length ? (Buffer.concat(chunks) as Uint8Array<ArrayBuffer>) : null;
  const response = new Response(body, { status, statusText: message.statusMessage ?? "", headers });
  Object.defineProperty(response, "url", { value: url, configurable: true });
  return { status, statusText: response.statusText, headers, text: "", response };
}

/**
 * Sends over Node's own HTTP. Redirects are never followed (`node:http` does not). The
 * body is read in full before the reply settles, so the attempt's timeout covers it;
 * `cancel` destroys the request and its socket, so a timed-out or aborted attempt holds
 * nothing. With `asResponse` the reply carries the body as a `Response` (its `text` is
 * left empty), for the typed client, whose openapi-fetch reads a `Response`.
 */
export function nodeExchange(asResponse: boolean): Exchange {
  return (url, outgoing) => {
    const { protocol, hostname, port, pathname, search } = new URL(url);
    const { agent, request } = protocol === "https:" ? https : http;
    const headers = outgoing.headers instanceof Headers ? Object.fromEntries(outgoing.headers) : outgoing.headers;
    let fail!: (reason: unknown) => void;
    // Fields, not the `URL`: from a `URL`, `node:http` first makes options holding copies
    // of `href`, `search` and `hash`, which costs about a tenth of a loopback call's CPU.
    const sent = request({
      protocol,
      // `[::1]` in a URL, `::1` to a socket.
      hostname: hostname.startsWith("[") ? hostname.slice(1, -1) : hostname,
      port,
      path: pathname + search,
      method: outgoing.method,
      headers,
      agent,
    });
    const reply = new Promise<Reply>((resolve, reject) => {
      fail = reject;
      sent.on("error", reject);
      sent.on("response", (response) => {
        // Bytes, decoded once at the end: a character split across chunks comes out whole.
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          try {
            resolve(asResponse ? responseOf(url, response, chunks) : new NodeReply(response, textOf(chunks)));
          } catch (error) {
            // A status or reason phrase `Response` refuses (say 600): nothing a caller could read.
            reject(error);
          }
        });
        response.on("error", reject);
        response.on("close", () => {
          if (!response.complete) reject(new Error("the connection closed before the response was complete"));
        });
      });
    });
    const { body } = outgoing;
    sent.end(body == null ? undefined : typeof body === "string" ? body : new Uint8Array(body));
    return {
      reply,
      cancel(reason) {
        fail(reason);
        sent.destroy();
      },
    };
  };
}

export const defaultExchange: ((asResponse: boolean) => Exchange) | undefined = nodeExchange;
