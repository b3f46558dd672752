import { QStashError } from "@qstash-flow/flow-control";
import { type Command, Option } from "commander";
import { type ConnectionOptions, flowControlFrom, withConnection } from "../internal/connection.js";
import { type Context, guarded } from "../internal/context.js";
import { CommandFailure, failureText } from "../internal/errors.js";
import { duration, printable } from "../internal/format.js";
import { listenAddress, period, positiveInteger } from "../internal/parse.js";
import { waitForAbort } from "../internal/sleep.js";
import { DEFAULT_MAX_KEYS, type PollResult, startFlowControlMetrics } from "../observe/metrics.js";
import { type MetricsServer, serveMetrics } from "../observe/serve.js";

interface MetricsFlags extends ConnectionOptions {
  listen: { host: string; port: number };
  interval: number;
  prefix?: string;
  maxKeys: number;
}

const DEFAULT_LISTEN = "127.0.0.1:9464";
const DEFAULT_INTERVAL_SECONDS = 15;

function pollText(result: PollResult, maxKeys: number): string | undefined {
  const at = result.at.toISOString();
  if (!result.ok) {
    const why =
      result.error instanceof QStashError
        ? failureText(result.error)
        : `error: ${printable(String((result.error as Error)?.message ?? result.error))}\n`;
    return `${at} poll failed; serving the last good values. ${why}`;
  }
  if (result.omitted === 0) return undefined;
  return `${at} warning: ${result.keys} keys, ${result.omitted} left out by --max-keys ${maxKeys}; raise it or narrow --prefix\n`;
}

/** `metrics`: Prometheus metrics of every key on GET /metrics until Ctrl-C. */
export function addMetricsCommand(program: Command, { io }: Context): void {
  withConnection(
    program
      .command("metrics")
      .description("serve Prometheus metrics of every flow-control key on GET /metrics, until Ctrl-C")
      .addOption(
        new Option("--listen <host:port>", "where to serve; loopback unless told otherwise")
          .default(listenAddress(DEFAULT_LISTEN), DEFAULT_LISTEN)
          .argParser(listenAddress),
      )
      .addOption(
        new Option("--interval <duration>", "time between polls of the API: seconds, or 15s, 1m, 1h")
          .default(DEFAULT_INTERVAL_SECONDS, `${DEFAULT_INTERVAL_SECONDS}s`)
          .argParser(period),
      )
      .option("--prefix <prefix>", "only the keys that start with this")
      .addOption(
        new Option("--max-keys <n>", "most keys exported; past it, the first N in key order")
          .default(DEFAULT_MAX_KEYS)
          .argParser(positiveInteger),
      ),
  ).action(
    guarded(async function (this: Command) {
      const options = this.opts<MetricsFlags>();
      const client = flowControlFrom(options, io);
      const { host, port } = options.listen;
      let warned = false;
      const metrics = await startFlowControlMetrics({
        client,
        interval: options.interval * 1000,
        maxKeys: options.maxKeys,
        ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
        onPoll(result) {
          // The key-count warning once per episode, not once per poll.
          if (result.ok && result.omitted === 0) warned = false;
          if (result.ok && warned) return;
          const text = pollText(result, options.maxKeys);
          if (!text) return;
          if (result.ok) warned = true;
          if (options.json) {
            const error = result.ok ? undefined : printable((result.error as Error)?.message ?? String(result.error));
            io.stderr.write(
              `${JSON.stringify({ at: result.at.toISOString(), ...(result.ok ? { keys: result.keys, omitted: result.omitted } : { error }) })}\n`,
            );
          } else io.stderr.write(text);
        },
      });
      let server: MetricsServer;
      try {
        server = await serveMetrics(metrics.registry, host, port);
      } catch (error) {
        metrics.close();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") {
          throw new CommandFailure(
            `${host}:${port} is in use; pick another port with --listen, or port 0 for any free one`,
          );
        }
        throw new CommandFailure(`cannot listen on ${host}:${port} (${code ?? (error as Error).message})`);
      }
      try {
        io.stdout.write(
          options.json
            ? `${JSON.stringify({ url: server.url, interval: options.interval, maxKeys: options.maxKeys, prefix: options.prefix ?? "" })}\n`
            : `serving QStash flow-control metrics on ${server.url}, polling every ${duration(options.interval)} (Ctrl-C to stop)\n`,
        );
        await waitForAbort(io.signal);
      } finally {
        metrics.close();
        await server.close();
      }
      if (!options.json) io.stdout.write("metrics server stopped\n");
    }),
  );
}
