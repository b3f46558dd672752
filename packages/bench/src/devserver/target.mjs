// The child process the dev-server section measures, so that serving does not share an
// event loop with the publisher. `throughput` starts the dev server and the forwarder
// side by side; `memory` starts the dev server alone in a fresh heap (run with
// --expose-gc) and reports its memory on request.
import { startDevServer } from "@qstash-flow/dev-server";
import { startForwarder } from "./forwarder.mjs";

const mode = process.argv[2];
// Far above any run's backlog: the bound under test is memory, not the 429.
const server = await startDevServer({ port: 0, maxWaitingMessages: 1_000_000 });
const forwarder = mode === "throughput" ? await startForwarder({ token: server.token }) : undefined;

/** Heap and off-heap bytes (Buffers live off the heap) after full collections. */
function memory() {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const { heapUsed, external } = process.memoryUsage();
  return { heapUsed, external };
}

process.on("message", async (message) => {
  if (message?.type === "memory") process.send?.({ type: "memory", ...memory() });
  else if (message?.type === "cpu") {
    const { user, system } = process.cpuUsage();
    process.send?.({ type: "cpu", micros: user + system });
  } else if (message?.type === "close") {
    await Promise.all([server.close(), forwarder?.close()]);
    process.disconnect();
  }
});
// Never outlive the benchmark, even if it dies without saying goodbye.
process.on("disconnect", () => process.exit(0));
process.send?.({ type: "listening", devServer: server.url, forwarder: forwarder?.url, token: server.token });
