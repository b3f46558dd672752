// The baseline of the dev-server section: the least a server can do with the same
// publish. It reads the body, answers 201 and POSTs the body to the destination over a
// keep-alive agent; with `Upstash-Flow-Control-Value: parallelism=N` it keeps at most N
// deliveries of the key in flight, first in first out. No auth beyond a string compare, no
// validation, no rate, no state to report: whatever the dev server costs beyond this is
// what its features cost.
import { randomUUID } from "node:crypto";
import { Agent, createServer, request } from "node:http";

const PREFIX = "/v2/publish/";

/** @returns {Promise<{ url: string, close: () => Promise<void> }>} */
export async function startForwarder({ token }) {
  const agent = new Agent({ keepAlive: true });
  /** @type {Map<string, { limit: number, inFlight: number, queue: (() => void)[] }>} */
  const keys = new Map();

  const deliver = (destination, body, contentType, done) => {
    const req = request(destination, {
      method: "POST",
      agent,
      headers: { "content-type": contentType ?? "text/plain", "content-length": body.length },
    });
    req.on("response", (res) => {
      res.on("end", done);
      res.resume();
    });
    req.on("error", done);
    req.end(body);
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      if (req.headers.authorization !== `Bearer ${token}` || !req.url?.startsWith(PREFIX)) {
        res.writeHead(401).end();
        return;
      }
      const destination = decodeURIComponent(req.url.slice(PREFIX.length));
      const body = Buffer.concat(chunks);
      const reply = JSON.stringify({ messageId: `msg_${randomUUID().replaceAll("-", "")}` });
      res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(reply) });
      res.end(reply);
      const name = req.headers["upstash-flow-control-key"];
      const limit = Number(/parallelism=(\d+)/.exec(req.headers["upstash-flow-control-value"] ?? "")?.[1] ?? 0);
      if (!name || !limit) {
        deliver(destination, body, req.headers["content-type"], () => {});
        return;
      }
      const key = keys.get(name) ?? { limit, inFlight: 0, queue: [] };
      keys.set(name, key);
      key.limit = limit;
      const start = () => {
        key.inFlight++;
        deliver(destination, body, req.headers["content-type"], () => {
          key.inFlight--;
          if (key.queue.length > 0 && key.inFlight < key.limit) key.queue.shift()();
        });
      };
      if (key.inFlight < key.limit) start();
      else key.queue.push(start);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL("http://127.0.0.1");
  url.port = String(server.address().port);
  return {
    url: url.origin,
    close: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
