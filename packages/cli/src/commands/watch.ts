import { type CallOptions, type FlowControl, sleep } from "@qstash-flow/flow-control";
import { type Command, Option } from "commander";
import { type ConnectionOptions, flowControlFrom, policyFrom, withConnection } from "../internal/connection.js";
import { type Context, guarded } from "../internal/context.js";
import { isInterruption, usageError } from "../internal/errors.js";
import type { CliIO } from "../internal/io.js";
import { interval } from "../internal/parse.js";
import { Screen } from "../internal/screen.js";
import { watchPrefix } from "./watch-prefix.js";
import { keyFrame, keyJsonLine, keyLine, problemOf, type Sample } from "../views/watch.js";

interface WatchFlags extends ConnectionOptions {
  interval: number;
  prefix?: string;
}

const MIN_INTERVAL_MS = 100;

async function sample(client: FlowControl, key: string, io: CliIO, call: CallOptions): Promise<Sample> {
  const at = new Date();
  try {
    const info = await client.get(key, call);
    return { at, info };
  } catch (error) {
    return { at, problem: problemOf(error, io) };
  }
}

/** `watch <key>` / `watch --prefix P`: a live view until Ctrl-C, with trends. */
export function addWatchCommand(program: Command, { io }: Context): void {
  withConnection(
    program
      .command("watch")
      .description("a live view of a key (or of every key with --prefix): waitlist, limits and trends, until Ctrl-C")
      .argument("[key]", "the flow-control key")
      .option("--prefix <prefix>", "every key that starts with this, as a table sorted by waitlist")
      .addOption(
        new Option("--interval <duration>", "time between refreshes, with a unit: 500ms, 2s, 1m (at least 100ms)")
          .default(1000, "1s")
          .argParser(interval(MIN_INTERVAL_MS)),
      ),
    { timeout: "the interval, min 5s", retries: "0" },
  ).action(
    guarded(async function (this: Command, key: string | undefined) {
      const options = this.opts<WatchFlags>();
      if (key !== undefined && options.prefix !== undefined) usageError(this, "give a key or --prefix, not both");
      if (key === undefined && options.prefix === undefined) {
        usageError(this, "missing required argument 'key' (or --prefix <prefix>)");
      }
      const client = flowControlFrom(options, io);
      const policy = policyFrom(options, io);
      if (options.prefix !== undefined) {
        const watch = { prefix: options.prefix, interval: options.interval, json: options.json === true, policy };
        return watchPrefix(client, watch, io);
      }
      const watched = key as string;
      const live = io.stdout.isTTY === true && !options.json;
      const screen = live ? new Screen(io.stdout) : undefined;
      const { refreshCallOptions, Trend } = await import("@qstash-flow/ops");
      const call = refreshCallOptions(options.interval, io.signal, policy);
      const trend = new Trend();
      try {
        while (!io.signal?.aborted) {
          const current = await sample(client, watched, io, call).catch((error: unknown) => {
            if (isInterruption(error, io.signal)) return undefined;
            throw error;
          });
          if (!current) break;
          if (current.info) trend.add(current.at, current.info);
          if (screen) screen.draw(keyFrame(watched, options.interval, current, trend));
          else io.stdout.write((options.json ? keyJsonLine : keyLine)(watched, current, trend));
          await sleep(options.interval, io.signal);
        }
      } finally {
        screen?.close();
      }
    }),
  );
}
