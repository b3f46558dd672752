// What the Node carrier puts on the wire, read as raw bytes by a server that parses
// nothing: one Host, the body framed by its length whatever the method, keep-alive.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createQStashClient, createQStashTransport } from "../src/index.ts";

let server: Server;
let baseUrl: string;
const received: string[] = [];
const sockets = new Set<import("node:net").Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1");
      const end = buffered.indexOf("\r\n\r\n");
      if (end === -1) return;
      const head = buffered.slice(0, end);
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      received.push(buffered.slice(0, end + 4 + length));
      buffered = buffered.slice(end + 4 + length);
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n{"deleted":1}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  // The clients keep their connections alive: end them, or the server never closes.
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const linesOf = (request: string) => request.split("\r\n\r\n")[0]?.split("\r\n").slice(1) ?? [];
const named = (request: string, name: string) =>
  linesOf(request).filter((line) => line.toLowerCase().startsWith(`${name}:`));

test("a pause sends one Host, Content-Length 0 and keep-alive", async () => {
  received.length = 0;
  await createQStashTransport({ token: "t", baseUrl }).request("post", "/v2/flowControl/{flowControlKey}/pause", {
    path: { flowControlKey: "k" },
  });
  const [request = ""] = received;
  expect(request.startsWith("POST /v2/flowControl/k/pause HTTP/1.1\r\n")).toBe(true);
  expect(named(request, "host")).toEqual([`Host: ${new URL(baseUrl).host}`]);
  expect(named(request, "content-length")).toEqual(["Content-Length: 0"]);
  expect(named(request, "connection")).toEqual(["Connection: keep-alive"]);
  expect(named(request, "authorization")).toEqual(["authorization: Bearer t"]);
});

test("a GET says nothing of a body", async () => {
  received.length = 0;
  await createQStashTransport({ token: "t", baseUrl }).request("get", "/v2/flowControl");
  const [request = ""] = received;
  expect(named(request, "content-length")).toEqual([]);
  expect(named(request, "transfer-encoding")).toEqual([]);
});

test("a DELETE with a body sends it framed by its length, so the server reads all of it", async () => {
  received.length = 0;
  const client = createQStashClient({ token: "t", baseUrl });
  const body = { dlqIds: ["ключ-1"] };
  const { response } = await client.DELETE("/v2/dlq", { body } as never);
  expect(response.status).toBe(200);
  const [request = ""] = received;
  const sent = Buffer.from(JSON.stringify(body));
  expect(named(request, "content-length")).toEqual([`content-length: ${sent.length}`]);
  expect(Buffer.from(request.split("\r\n\r\n")[1] ?? "", "latin1")).toEqual(sent);
});

test("a caller's own Host, in any case, is the one Host sent", async () => {
  received.length = 0;
  await createQStashTransport({ token: "t", baseUrl, headers: { HOST: "api.test" } }).request("get", "/v2/flowControl");
  const [request = ""] = received;
  expect(named(request, "host").map((line) => line.slice(line.indexOf(":") + 2))).toEqual(["api.test"]);
});
