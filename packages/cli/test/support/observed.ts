import { type DevServerEvent, startDevServer } from "@qstash-flow/dev-server";
import { FlowControl } from "@qstash-flow/flow-control";
import { publishMessage, startLoopbackServer } from "@qstash-flow/test-utils";

export const OBSERVED_TOKEN = "observe-test-token-5d1e09b7";

/**
 * The dev server with real deliveries to a sink on 127.0.0.1 that answers under `/ok/`
 * and never answers under `/hang/` (a destination whose calls never finish), and a count
 * of the API calls it served, per operation.
 */
export async function startObservedQStash() {
  const requests: Extract<DevServerEvent, { type: "request" }>[] = [];
  const server = await startDevServer({
    port: 0,
    token: OBSERVED_TOKEN,
    // Long enough that a hanging delivery holds its slot for the whole test.
    deliveryTimeout: 600_000,
    globalParallelism: 40,
    log: (event) => {
      if (event.type === "request") requests.push(event);
    },
  });
  const sink = await startLoopbackServer((request, response) => {
    if (!request.rawUrl.startsWith("/hang/")) response.end("ok");
  });
  const client = new FlowControl({ token: OBSERVED_TOKEN, baseUrl: server.url });
  return {
    url: server.url,
    client,
    env: { QSTASH_URL: server.url, QSTASH_TOKEN: OBSERVED_TOKEN },
    /** API calls served so far for `operation` (`list`, `globalParallelism`, `get`, ...). */
    served: (operation: string) => requests.filter((request) => request.operation === operation).length,
    /** Publishes `count` messages under `key`, as a producer would. */
    async publish(key: string, value: string, count = 1, { hang = false } = {}) {
      const destination = new URL(`/${hang ? "hang" : "ok"}/${encodeURIComponent(key)}`, sink.url);
      for (let i = 0; i < count; i++) {
        await publishMessage({ url: server.url, token: OBSERVED_TOKEN, destination, key, value });
      }
    },
    async close() {
      await server.close();
      await sink.close();
    },
  };
}

export type ObservedQStash = Awaited<ReturnType<typeof startObservedQStash>>;
