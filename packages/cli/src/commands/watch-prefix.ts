import { type FlowControl, type FlowControlInfo, type RequestPolicy, sleep } from "@qstash-flow/flow-control";
import type { Trend } from "@qstash-flow/ops";
import { isInterruption } from "../internal/errors.js";
import { printable } from "../internal/format.js";
import type { CliIO } from "../internal/io.js";
import { Screen } from "../internal/screen.js";
import { byWaitlist, keyJsonLine, keyLine, prefixFrame, problemOf } from "../views/watch.js";

export interface PrefixWatch {
  prefix: string;
  /** Milliseconds between refreshes. */
  interval: number;
  json: boolean;
  /** `--timeout` and `--retries`, over the refresh's own defaults. */
  policy?: RequestPolicy;
}

const DEFAULT_ROWS = 24;

/**
 * `watch --prefix`: one `list` per refresh, every matching key. On a terminal, a table
 * redrawn in place; piped or with `--json`, one line per key and refresh, as for one key.
 */
export async function watchPrefix(client: FlowControl, options: PrefixWatch, io: CliIO): Promise<void> {
  const { refreshCallOptions, Trend } = await import("@qstash-flow/ops");
  const live = io.stdout.isTTY === true && !options.json;
  const screen = live ? new Screen(io.stdout) : undefined;
  const trends = new Map<string, Trend>();
  let keys: FlowControlInfo[] = [];
  try {
    while (!io.signal?.aborted) {
      const at = new Date();
      let problem: string | undefined;
      try {
        const all = await client.list(refreshCallOptions(options.interval, io.signal, options.policy));
        keys = all.filter((info) => info.flowControlKey.startsWith(options.prefix)).sort(byWaitlist);
        const seen = new Set(keys.map((info) => info.flowControlKey));
        // A key gone from the API takes its history with it.
        for (const key of trends.keys()) if (!seen.has(key)) trends.delete(key);
        for (const info of keys) {
          const trend = trends.get(info.flowControlKey) ?? new Trend();
          trend.add(at, info);
          trends.set(info.flowControlKey, trend);
        }
      } catch (error) {
        if (isInterruption(error, io.signal)) break;
        problem = problemOf(error, io);
      }
      if (screen) {
        // The last good table stays under the problem line while the API is unreachable.
        const height = (io.stdout.rows ?? DEFAULT_ROWS) - 1;
        screen.draw(
          prefixFrame({ prefix: options.prefix, interval: options.interval, at, keys, trends, problem, height }),
        );
      } else if (problem !== undefined) {
        const head = { at: at.toISOString(), prefix: options.prefix };
        io.stdout.write(
          options.json
            ? `${JSON.stringify({ ...head, problem })}\n`
            : `${head.at} prefix=${printable(JSON.stringify(options.prefix))} problem=${printable(JSON.stringify(problem))}\n`,
        );
      } else {
        for (const info of keys) {
          const sample = { at, info };
          const trend = trends.get(info.flowControlKey) as Trend;
          io.stdout.write(
            options.json
              ? keyJsonLine(info.flowControlKey, sample, trend)
              : keyLine(info.flowControlKey, sample, trend),
          );
        }
      }
      await sleep(options.interval, io.signal);
    }
  } finally {
    screen?.close();
  }
}
