import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ServerRequest {
  method: string;
  /** The request target exactly as it arrived (not normalised). */
  rawUrl: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type ServerHandler = (
  request: ServerRequest,
  response: ServerResponse,
  raw: IncomingMessage,
) => void | Promise<void>;

export interface LoopbackServer {
  url: string;
  requests: ServerRequest[];
  /**
   * Open connections not resting after an answer: accepted but carrying no request yet, or
   * carrying one not answered. A client that gives up on a call must close its connection,
   * so this reaches 0 whether or not the request arrived before the client gave up (on a
   * loaded machine it may not have).
   */
  unansweredConnections(): number;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 with a free port, recording every request. */
export async function startLoopbackServer(handler: ServerHandler): Promise<LoopbackServer> {
  const requests: ServerRequest[] = [];
  const sockets = new Set<Socket>();
  const resting = new WeakSet<Socket>();
  const server = createServer(async (raw, response) => {
    const { socket } = raw;
    resting.delete(socket);
    response.once("finish", () => resting.add(socket));
    const chunks: Buffer[] = [];
    for await (const chunk of raw) chunks.push(chunk as Buffer);
    const request: ServerRequest = {
      method: raw.method ?? "",
      rawUrl: raw.url ?? "",
      headers: raw.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    requests.push(request);
    try {
      await handler(request, response, raw);
    } catch (error) {
      response.statusCode = 599;
      response.end(String(error));
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unansweredConnections: () => [...sockets].filter((socket) => !resting.has(socket)).length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
