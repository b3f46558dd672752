// The loopback server of the throughput benchmark, and the dev-server section's sink. It
// runs in its own process (see loopback.mjs) so that serving requests does not compete
// with the client under test for the same event loop. It answers every request with 200
// and an empty body, counts requests (and says when a count is reached), and on request
// records the next one so the benchmark can compare what each client puts on the wire.
import { createServer } from "node:http";

let served = 0;
let recordNext = false;
/** A count someone waits for (the dev-server section's deliveries), answered when reached. */
let awaited;

const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    served++;
    if (awaited !== undefined && served >= awaited) {
      awaited = undefined;
      process.send?.({ type: "reached", served });
    }
    if (recordNext) {
      recordNext = false;
      process.send?.({
        type: "recorded",
        request: {
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        },
      });
    }
    response.writeHead(200, { "content-length": "0" });
    response.end();
  });
});
// Clients keep connections open between calls; the server must not close them first.
server.keepAliveTimeout = 60_000;

process.on("message", (message) => {
  if (message?.type === "record") {
    recordNext = true;
    process.send?.({ type: "armed" });
  } else if (message?.type === "await") {
    if (served >= message.count) process.send?.({ type: "reached", served });
    else awaited = message.count;
  } else if (message?.type === "count") {
    process.send?.({ type: "count", served });
  } else if (message?.type === "close") {
    server.close();
    server.closeAllConnections();
    process.disconnect();
  }
});
// Never outlive the benchmark, even if it dies without saying goodbye.
process.on("disconnect", () => process.exit(0));

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  process.send?.({ type: "listening", port });
});
