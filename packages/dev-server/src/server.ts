import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { DevServerEvent } from "./events.js";
import { createHandler } from "./internal/handler.js";
import { Scheduler } from "./internal/scheduler.js";
import { type DevServerOptions, resolveOptions } from "./options.js";

/** A running dev server. */
export interface DevServer {
  /** The base URL to give clients, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  readonly url: string;
  /** The token clients must send. */
  readonly token: string;
  readonly host: string;
  /** The port it listens on (the one picked when `port: 0`). */
  readonly port: number;
  /**
   * Stops listening, closes every connection, aborts deliveries in flight and drops
   * waiting messages (each reported to `log`), and clears every timer. Safe to call twice.
   */
  close(): Promise<void>;
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
  const handler = createHandler({ ...resolved, scheduler, emit });
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handler(req, res));
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
  return { url, token: resolved.token, host: resolved.host, port, close };
}
