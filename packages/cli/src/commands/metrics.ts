import { isPortInUse, portInUseText } from "@qstash-flow/dev-server/defaults";
import { millisecondsText, QStashError } from "@qstash-flow/flow-control";
import { DEFAULT_MAX_KEYS, DEFAULT_METRICS_INTERVAL_MS } from "@qstash-flow/ops/defaults";
import type { MetricsServer, PollResult } from "@qstash-flow/ops";
import { type Command, Option } from "commander";
import { type ConnectionOptions, flowControlFrom, policyFrom, withConnection } from "../internal/connection.js";
import { type Context, guarded } from "../internal/context.js";
import type { CliIO } from "../internal/io.js";
import { CommandFailure, failureText } from "../internal/errors.js";
import { printable } from "../internal/format.js";
import { interval, listenAddress, positiveInteger } from "../internal/parse.js";
import { waitForAbort } from "../internal/wait-for-abort.js";

interface MetricsFlags extends ConnectionOptions {
  listen: { host: string; port: number };
  interval: number;
  prefix?: string;
  maxKeys: number;
}

const DEFAULT_LISTEN = "127.0.0.1:9464";
/** Polls closer than this would only load the API: Prometheus scrapes every 15 s or so. */
const MIN_INTERVAL_MS = 1000;

function errorText(error: unknown): string {
  return error instanceof QStashError
    ? failureText(error)
    : `error: ${printable(String((error as Error)?.message ?? error))}\n`;
}

/** What the polls tell the operator, on stderr: every failure, and a --max-keys cut once per episode. */
function pollReporter(options: MetricsFlags, io: CliIO): (result: PollResult) => void {
  let cut = false;
  return (result) => {
    const at = result.at.toISOString();
    if (result.ok) {
      const already = cut;
      cut = result.omitted > 0;
      if (!cut || already) return;
      io.stderr.write(
        options.json
          ? `${JSON.stringify({ at, warning: "max-keys", keys: result.keys, omitted: result.omitted })}\n`
          : `${at} warning: ${result.keys} keys, ${result.omitted} left out by --max-keys ${options.maxKeys}; raise it or narrow --prefix\n`,
      );
      return;
    }
    io.stderr.write(
      options.json
        ? `${JSON.stringify({ at, error: (result.error as Error)?.message ?? String(result.error) })}\n`
        : `${at} poll failed; serving the last good values. ${errorText(result.error)}`,
    );
  };
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
        new Option("--interval <duration>", "time between polls of the API, with a unit: 15s, 1m, 1h (at least 1s)")
          .default(DEFAULT_METRICS_INTERVAL_MS, millisecondsText(DEFAULT_METRICS_INTERVAL_MS))
          .argParser(interval(MIN_INTERVAL_MS)),
      )
      .option("--prefix <prefix>", "only the keys that start with this")
      .addOption(
        new Option("--max-keys <n>", "most keys exported; past it, the first N in key order")
          .default(DEFAULT_MAX_KEYS)
          .argParser(positiveInteger),
      ),
    { timeout: "the interval, min 5s", retries: "0" },
  ).action(
    guarded(async function (this: Command) {
      const options = this.opts<MetricsFlags>();
      const client = flowControlFrom(options, io);
      const { host, port } = options.listen;
      // prom-client comes with the library's metrics, loaded by this command only.
      const { serveMetrics, startFlowControlMetrics } = await import("@qstash-flow/ops");
      const metrics = await startFlowControlMetrics({
        client,
        ...policyFrom(options, io),
        interval: options.interval,
        maxKeys: options.maxKeys,
        ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
        onPoll: pollReporter(options, io),
      });
      let server: MetricsServer;
      try {
        server = await serveMetrics(metrics.registry, host, port);
      } catch (error) {
        metrics.close();
        const code = (error as NodeJS.ErrnoException).code;
        if (isPortInUse(error)) throw new CommandFailure(portInUseText(`${host}:${port}`, "--listen"));
        throw new CommandFailure(`cannot listen on ${host}:${port} (${code ?? (error as Error).message})`);
      }
      try {
        io.stdout.write(
          options.json
            ? `${JSON.stringify({ url: server.url, interval: options.interval / 1000, maxKeys: options.maxKeys, prefix: options.prefix ?? "" })}\n`
            : `serving QStash flow-control metrics on ${server.url}, polling every ${millisecondsText(options.interval)} (Ctrl-C to stop)\n`,
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
