import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { DevServerEvent } from "./events.js";
import { Deduplicator } from "./internal/dedup.js";
import { createHandler } from "./internal/handler.js";
import { Scheduler } from "./internal/scheduler.js";
import { type DevServerOptions, resolveOptions } from "./options.js";

/** A running dev server. */
export interface DevServer {
  /** The base URL to give clients, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  readonly url: string;
  /** The token clients must send (`QSTASH_TOKEN`). */
  readonly token: string;
  /** The key every delivery's `Upstash-Signature` is signed with (`QSTASH_CURRENT_SIGNING_KEY`). */
  readonly currentSigningKey: string;
  /** The next signing key (`QSTASH_NEXT_SIGNING_KEY`); receivers accept signatures made with either. */
  readonly nextSigningKey: string;
  readonly host: string;
  /** The port it listens on (the one picked when `port: 0`). */
  readonly port: number;
  /**
   * Stops listening, closes every connection, aborts deliveries in flight and drops
   * waiting messages (each reported to `log`), and clears every timer. Safe to call twice.
   */
  close(): Promise<void>;
}

/** Node's own statuses for the parser errors that are not plain bad syntax; every other one is 400. */
const CLIENT_ERROR_STATUS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large"],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "Payload Too Large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout"],
};

/**
 * The answer to a request Node's HTTP parser refused (a malformed request line or header,
 * say): the usual JSON `{error}` instead of Node's bare status line, then the connection
 * closes, as nothing after the bad bytes can be read as a request. `busy` says whether a
 * response on the socket is still being written; then, or when the socket can no longer
 * be written, an answer would land inside it, so the socket is only destroyed.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex, busy: boolean): void {
  if (busy || !socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, reason] = CLIENT_ERROR_STATUS[error.code ?? ""] ?? [400, "Bad Request"];
  const text = JSON.stringify({ error: `malformed HTTP request (${error.code ?? error.message})` });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      "content-type: application/json\r\n" +
      `content-length: ${Buffer.byteLength(text)}\r\n` +
      "connection: close\r\n\r\n" +
      text,
  );
  // Whatever else the client sends is not read; the socket goes once the answer is out.
  socket.once("finish", () => socket.destroy());
}

function baseUrl(host: string, port: number): string {
  const url = new URL("http://127.0.0.1");
  url.hostname = host.includes(":") ? `[${host}]` : host;
  url.port = String(port);
  return url.origin;
}

/**
 * Starts a local QStash flow-control server: the eight flow-control operations and
 * `POST /v2/publish/{destination}`, delivering messages over HTTP under each key's
 * parallelism and rate. Rejects with `DevServerOptionsError` for a bad option, or with
 * the listen error (e.g. `EADDRINUSE`).
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const resolved = resolveOptions(options);
  const emit = (event: DevServerEvent) => {
    if (!resolved.log) return;
    try {
      resolved.log(event);
    } catch (error) {
      // A broken hook must not take deliveries down with it, but it must not go unseen.
      process.emitWarning(`the dev server's log hook threw: ${(error as Error)?.message ?? error}`);
    }
  };
  const scheduler = new Scheduler({ ...resolved, emit });
  const handler = createHandler({ ...resolved, scheduler, dedup: new Deduplicator(), emit });
  const sockets = new Set<Socket>();
  // Responses being written per socket, so a parser error never writes into one of them.
  const writing = new WeakMap<Duplex, number>();
  const server = createServer((req, res) => {
    const socket = req.socket;
    writing.set(socket, (writing.get(socket) ?? 0) + 1);
    res.once("close", () => writing.set(socket, (writing.get(socket) ?? 1) - 1));
    void handler(req, res);
  });
  server.on("clientError", (error: Error, socket: Duplex) =>
    answerClientError(error, socket, (writing.get(socket) ?? 0) > 0),
  );
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = baseUrl(resolved.host, port);
  emit({ type: "listening", url });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await scheduler.close();
      await stopped;
    })();
    return closing;
  };
  const { token, currentSigningKey, nextSigningKey, host } = resolved;
  return { url, token, currentSigningKey, nextSigningKey, host, port, close };
}
