// A kept-alive connection the server has already closed: the next request on it gets no
// reply, only a reset or a close. That request never reached the server's application, so
// the Node carrier sends it again at once on a fresh connection, without counting an
// attempt. The server here handles one request per connection and drops the connection
// when another one comes on it, as a server that timed it out would, without handling it.
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConnectionError, createQStashClient, createQStashTransport } from "../src/index.ts";

interface Handled {
  connection: number;
  line: string;
}

let server: Server;
let url: string;
const handled: Handled[] = [];
let connections = 0;
/**
 * How the server drops a connection: with a reset (RST) or a close (FIN); or, for
 * "half-reply", after handling the request and sending the first line of a reply.
 */
let drop: "reset" | "close" | "half-reply" = "reset";
/** When set, the first request on a connection is dropped too: nothing is stale then. */
let dropFirst = false;

beforeAll(async () => {
  server = createServer((socket: Socket) => {
    const connection = ++connections;
    let answered = false;
    let received = "";
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      if (answered || dropFirst) {
        if (drop === "reset") socket.resetAndDestroy();
        else if (drop === "close") socket.destroy();
        else {
          handled.push({ connection, line: chunk.toString("latin1").split("\r\n")[0] as string });
          socket.end("HTTP/1.1 200 OK\r\n");
        }
        return;
      }
      received += chunk.toString("latin1");
      if (!received.includes("\r\n\r\n")) return;
      answered = true;
      handled.push({ connection, line: received.slice(0, received.indexOf("\r\n")) });
      const body = JSON.stringify({ parallelismMax: 1, parallelismCount: handled.length });
      // Keep-alive promised, and nothing said about for how long.
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const CALLS = 5;

describe.each(["reset", "close"] as const)("connections dropped with a %s", (how) => {
  test("the transport: every call succeeds with maxRetries 0, each handled once", async () => {
    drop = how;
    const before = handled.length;
    const transport = createQStashTransport({ token: "t", baseUrl: url, maxRetries: 0 });
    for (let i = 0; i < CALLS; i++)
      await transport.request("post", "/v2/flowControl/{flowControlKey}/pause", { path: { flowControlKey: `k${i}` } });
    const lines = handled.slice(before).map((h) => h.line);
    expect(lines).toEqual([...Array(CALLS).keys()].map((i) => `POST /v2/flowControl/k${i}/pause HTTP/1.1`));
    // Each call after the first met the stale connection, then opened a fresh one.
    expect(new Set(handled.slice(before).map((h) => h.connection)).size).toBe(CALLS);
  });

  test("the typed client: every call succeeds with maxRetries 0, each handled once", async () => {
    drop = how;
    const before = handled.length;
    const client = createQStashClient({ token: "t", baseUrl: url, maxRetries: 0 });
    for (let i = 0; i < CALLS; i++) {
      const { data, response } = await client.GET("/v2/globalParallelism");
      expect(response.status).toBe(200);
      expect(data).toEqual({ parallelismMax: 1, parallelismCount: before + i + 1 });
    }
    expect(handled.length - before).toBe(CALLS);
  });
});

test("calls at once, then again after the server dropped every kept-alive connection", async () => {
  drop = "reset";
  const before = handled.length;
  const transport = createQStashTransport({ token: "t", baseUrl: url, maxRetries: 0 });
  const burst = () => Promise.all([...Array(4)].map(() => transport.request("get", "/v2/globalParallelism")));
  await burst();
  await burst();
  expect(handled.length - before).toBe(8);
});

test("a reply that had begun when the connection dropped is the attempt's failure: the request is not sent again", async () => {
  const transport = createQStashTransport({ token: "t", baseUrl: url, maxRetries: 0 });
  drop = "reset";
  await transport.request("get", "/v2/globalParallelism");
  drop = "half-reply";
  try {
    const before = handled.length;
    const error = await transport.request("get", "/v2/flowControl").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(handled.slice(before).map((h) => h.line)).toEqual(["GET /v2/flowControl HTTP/1.1"]);
  } finally {
    drop = "reset";
  }
});

test("a fresh connection that is dropped is the attempt's failure: sent once, not again", async () => {
  dropFirst = true;
  try {
    const transport = createQStashTransport({ token: "t", baseUrl: url, maxRetries: 0 });
    const before = connections;
    const error = await transport.request("get", "/v2/globalParallelism").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/^connection failed after 1 attempt: /);
    expect(connections - before).toBe(1);
  } finally {
    dropFirst = false;
  }
});

test("an operation that must not run twice is not sent again: the server may have read it before the drop", async () => {
  drop = "reset";
  const transport = createQStashTransport({ token: "t", baseUrl: url, maxRetries: 2 });
  await transport.request("get", "/v2/globalParallelism");
  const before = connections;
  const error = await transport
    .request("delete", "/v2/messages", { query: { flowControlKey: ["k"] } })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectionError);
  expect((error as Error).message).toMatch(/^connection failed after 1 attempt; not retried, as it may have arrived: /);
  // no fresh connection: neither a resend nor a retry
  expect(connections).toBe(before);
});
