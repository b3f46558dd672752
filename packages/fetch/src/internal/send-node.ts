// What `#send` is in Node (package.json "imports"): attempts over `node:http` and
// `node:https` with keep-alive agents. On a loopback server Node's own HTTP does about
// 1.75x the calls per second of the global fetch one at a time, 2.4x at 32 concurrent,
// for a third of the CPU; and it cancels without an AbortSignal. Bundles for other
// platforms get send-default.ts, so they never see a `node:` import. Where the app has set
// a global dispatcher for fetch (a mock, a proxy), the attempt goes through fetch instead.
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { decode, decodersFor } from "./decode.js";
import type { Exchange, ExchangeHow, Outgoing, Reply } from "./exchange.js";
import { fetchExchange, globalFetch } from "./fetch-exchange.js";
import { appDispatcherSet, ENV_PROXY } from "./global-dispatcher.js";
import { ownHeaders, plain, requestHeaders, USER_AGENT } from "./node-headers.js";
import { NodeReply } from "./node-reply.js";

// Idle keep-alive sockets are unref'd by the agent, so they never keep a process alive.
const http = { agent: new HttpAgent({ keepAlive: true }), request: httpRequest };
const https = { agent: new HttpsAgent({ keepAlive: true }), request: httpsRequest };

/**
 * A header as received, its lines joined as `Headers` joins them, without building
 * `message.headers` (a cost on every reply).
 */
function rawHeader(message: IncomingMessage, name: string): string | undefined {
  const raw = message.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && key.toLowerCase() === name) {
      value = value === undefined ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
    }
  }
  return value;
}

// A request on a kept-alive socket that the server had already closed fails with these
// before any byte of a reply. Most likely it never reached the server, so it is sent again
// at once; but a server may also have read it and died before answering, so an operation
// that must not run twice is not sent again (as Node's own fetch does).
const STALE_SOCKET = new Set(["ECONNRESET", "EPIPE"]);
const readAtRest = new WeakMap<Socket, number>();

/**
 * Sends over Node's own HTTP, or through fetch while the app has set a global dispatcher
 * (looked up on every attempt) or Node was told to send fetch through the proxy
 * variables. Every request names the package in its `User-Agent` unless the caller set one.
 */
function nodeExchange(): Exchange {
  const viaFetch = fetchExchange(globalFetch);
  // The headers sent over node:http, made once per headers object given: the transport
  // gives its client's own (never changed) object on every call, and a merge per call
  // costs garbage. Keyed by object, so one given afresh is merged afresh.
  const sentHeaders = [new WeakMap<object, Record<string, string>>(), new WeakMap<object, Record<string, string>>()];
  return (url, outgoing, how) => {
    if (ENV_PROXY || appDispatcherSet()) {
      return viaFetch(url, { ...outgoing, headers: { "user-agent": USER_AGENT, ...plain(outgoing.headers) } }, how);
    }
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const cache = sentHeaders[secure ? 1 : 0] as WeakMap<object, Record<string, string>>;
    let headers = cache.get(outgoing.headers);
    if (!headers) {
      headers = ownHeaders(outgoing.headers, secure);
      // A `Headers` is mutable and made per call (the typed client's): merged every time.
      if (!(outgoing.headers instanceof Headers)) cache.set(outgoing.headers, headers);
    }
    return viaNode(url, target, secure, outgoing, headers, how);
  };
}

/**
 * An attempt over `node:http`. Redirects are never followed (`node:http` does not). The
 * body is read (and decoded, as fetch decodes gzip, deflate and br) before the reply
 * settles, so the attempt's timeout covers it; `cancel` destroys the request and its
 * socket, so a timed-out or aborted attempt holds nothing. With `carriable` a reply no
 * `Response` can carry fails the attempt. A request of an `idempotent` operation lost on a stale
 * kept-alive socket is sent once more on a fresh one, within the same attempt.
 */
function viaNode(
  url: string,
  target: URL,
  secure: boolean,
  outgoing: Outgoing,
  headers: Record<string, string>,
  how: ExchangeHow | undefined,
) {
  const idempotent = how?.idempotent !== false;
  const { protocol, hostname, port, pathname, search } = target;
  const { agent, request } = secure ? https : http;
  const { body } = outgoing;
  const payload = body == null ? undefined : typeof body === "string" ? body : new Uint8Array(body);
  // Fields, not the `URL`: from a `URL`, `node:http` first makes options holding copies
  // of `href`, `search` and `hash`, which costs about a tenth of a loopback call's CPU.
  const options = {
    protocol,
    // `[::1]` in a URL, `::1` to a socket.
    hostname: hostname.startsWith("[") ? hostname.slice(1, -1) : hostname,
    port,
    path: pathname + search,
    method: outgoing.method,
    headers: requestHeaders(headers, payload),
    agent,
  };
  let resolve!: (reply: Reply) => void;
  let fail!: (reason: unknown) => void;
  const reply = new Promise<Reply>((ok, reject) => {
    resolve = ok;
    fail = reject;
  });
  // A cancelled attempt is never sent again, whatever its request reports as it goes.
  let cancelled = false;
  let resent = false;

  const send = () => {
    const sent = request(options);
    sent.on("error", (error: NodeJS.ErrnoException) => {
      const { socket } = sent;
      const stale =
        idempotent &&
        sent.reusedSocket &&
        socket &&
        socket.bytesRead === readAtRest.get(socket) &&
        STALE_SOCKET.has(error.code ?? "");
      if (stale && !resent && !cancelled) {
        resent = true;
        // The idle sockets to this server are older still: drop them (and the agent's few
        // others, cheap to open again), so that the resend opens a fresh one.
        for (const idle of Object.values(agent.freeSockets)) for (const old of idle ?? []) old.destroy();
        current = send();
        return;
      }
      fail(error);
    });
    sent.on("response", (response) => {
      // Node detaches it from the response at the end, when the socket goes back to the pool.
      const socket = response.socket as Socket;
      // Bytes, decoded once at the end: a character split across chunks comes out whole.
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        // What the socket had read when it went back to the pool: more on its next use
        // means a reply had begun.
        readAtRest.set(socket, socket.bytesRead);
        const bytes = chunks.length ? Buffer.concat(chunks) : undefined;
        const decoders =
          bytes && decodersFor(rawHeader(response, "content-encoding"), outgoing.method, response.statusCode ?? 0);
        if (decoders) decode(bytes as Buffer, decoders).then((plain) => finish(response, plain), fail);
        else finish(response, bytes);
      });
      response.on("error", fail);
      response.on("close", () => {
        if (!response.complete) fail(new Error("the connection closed before the response was complete"));
      });
    });
    sent.end(payload);
    return sent;
  };

  const finish = (response: IncomingMessage, bytes: Buffer | undefined) => {
    const received = new NodeReply(url, response, bytes);
    try {
      if (how?.carriable) received.assertCarriable();
      resolve(received);
    } catch (error) {
      // A status or reason phrase `Response` refuses (say 600): garbage, as from a broken connection.
      fail(error);
    }
  };

  let current = send();
  return {
    reply,
    cancel(reason: unknown) {
      cancelled = true;
      fail(reason);
      current.destroy();
    },
  };
}

export const defaultExchange: (() => Exchange) | undefined = nodeExchange;
// openapi-fetch's request and reading of a `Response` cost about half again a bare
// `http.request`'s CPU: the typed client sends the calls nothing else reads itself.
export { directCalls } from "./direct-call.js";
// Timers re-armed rather than made per attempt (timer-node.ts).
export { startTimer } from "./timer-node.js";
