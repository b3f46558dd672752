// Deliveries reuse kept-alive connections to a destination; a reused connection the
// destination resets is replaced once by a new one; close() leaves none open.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, expect, test } from "vitest";
import { type DevServerEvent, startDevServer } from "../src/index.ts";
import { eventually, publishOk } from "./helpers.ts";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A destination on 127.0.0.1 that counts connections; `resetReused` drops any second request on a connection unanswered. */
async function destination(options: { resetReused?: boolean } = {}) {
  const sockets = new Set<Socket>();
  const served = new WeakSet<Socket>();
  let connections = 0;
  let open = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (options.resetReused && served.has(req.socket)) {
        req.socket.destroy();
        return;
      }
      served.add(req.socket);
      res.end("ok");
    });
  });
  server.on("connection", (socket: Socket) => {
    connections++;
    open++;
    sockets.add(socket);
    socket.once("close", () => open--);
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    connections: () => connections,
    open: () => open,
  };
}

test("one after another, deliveries to a destination share one connection, and close() ends it", async () => {
  const events: DevServerEvent[] = [];
  const server = await startDevServer({ port: 0, log: (event) => events.push(event) });
  const sink = await destination();
  const delivered = () => events.filter((event) => event.type === "delivered").length;
  try {
    for (let i = 1; i <= 5; i++) {
      await publishOk(server, sink.url, { body: `m${i}` });
      await eventually(() => expect(delivered()).toBe(i));
    }
    expect(sink.connections()).toBe(1);
    expect(sink.open()).toBe(1);
  } finally {
    await server.close();
  }
  await eventually(() => expect(sink.open()).toBe(0));
});

test("a reused connection the destination resets is replaced once by a new one: the message is delivered", async () => {
  const events: DevServerEvent[] = [];
  const server = await startDevServer({ port: 0, log: (event) => events.push(event) });
  const sink = await destination({ resetReused: true });
  try {
    const first = await publishOk(server, sink.url, { body: "first" });
    await eventually(() =>
      expect(events).toContainEqual(expect.objectContaining({ type: "delivered", messageId: first })),
    );
    const second = await publishOk(server, sink.url, { body: "second" });
    await eventually(() =>
      expect(events).toContainEqual(expect.objectContaining({ type: "delivered", messageId: second, status: 200 })),
    );
    expect(events.filter((event) => event.type === "failed")).toEqual([]);
    expect(sink.connections()).toBe(2);
  } finally {
    await server.close();
  }
});
