import { startDevServer } from "@qstash-flow/dev-server";
import { publishMessage, startLoopbackServer } from "@qstash-flow/test-utils";

/** Not the documented default, so a test proves the CLI sends the token it was given. */
export const TOKEN = "cli-test-token-3f9a7c21";

export interface LocalQStash {
  url: string;
  token: string;
  /** Deliveries the sink received, per flow-control key. */
  delivered(key: string): number;
  /** Publishes one message under `key` to the sink, as a producer would. */
  publish(key: string, value?: string): Promise<void>;
  close(): Promise<void>;
}

/** The dev server on a free port, with a sink on 127.0.0.1 that its deliveries go to. */
export async function startLocalQStash(): Promise<LocalQStash> {
  const server = await startDevServer({ port: 0, token: TOKEN, globalParallelism: 50 });
  const sink = await startLoopbackServer((_, response) => {
    response.end("ok");
  });
  const keyOf = (rawUrl: string) => decodeURIComponent(rawUrl.split("/").at(-1) ?? "");
  return {
    url: server.url,
    token: server.token,
    delivered: (key) => sink.requests.filter((request) => keyOf(request.rawUrl) === key).length,
    async publish(key, value = "parallelism=1") {
      const destination = new URL(`/deliveries/${encodeURIComponent(key)}`, sink.url);
      await publishMessage({ url: server.url, token: TOKEN, destination, key, value });
    },
    async close() {
      await server.close();
      await sink.close();
    },
  };
}
