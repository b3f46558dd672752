import {
  AuthenticationError,
  type FlowControl,
  type FlowControlInfo,
  NotFoundError,
  PermissionDeniedError,
  QStashError,
  ValidationError,
} from "@qstash-flow/flow-control";
import { type Command, Option } from "commander";
import { type ConnectionOptions, flowControlFrom, policyFrom, withConnection } from "../internal/connection.js";
import { type Context, callOptions, guarded } from "../internal/context.js";
import { isInterruption } from "../internal/errors.js";
import { duration, keyFields, printable, stateText } from "../internal/format.js";
import type { CliIO } from "../internal/io.js";
import { milliseconds } from "../internal/parse.js";
import { Screen } from "../internal/screen.js";

interface WatchFlags extends ConnectionOptions {
  interval: number;
}

/** One refresh: the key's state, or why it could not be read this time. */
interface Sample {
  at: Date;
  info?: FlowControlInfo;
  problem?: string;
}

const MIN_INTERVAL_MS = 100;
const MIN_TIMEOUT_MS = 5_000;

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

type Policy = ReturnType<typeof policyFrom>;

async function sample(client: FlowControl, key: string, io: CliIO, interval: number, policy: Policy): Promise<Sample> {
  const at = new Date();
  try {
    // One attempt per refresh unless --retries says otherwise: the next refresh is the
    // retry, and a slow one must not pile up.
    const defaults = { maxRetries: 0, timeout: Math.max(interval, MIN_TIMEOUT_MS) };
    const info = await client.get(key, callOptions(io, { ...defaults, ...policy }));
    return { at, info };
  } catch (error) {
    const fatal =
      error instanceof ValidationError ||
      error instanceof AuthenticationError ||
      error instanceof PermissionDeniedError ||
      !(error instanceof QStashError);
    if (fatal || isInterruption(error, io.signal)) throw error;
    // A key exists once messages use it: keep watching until they do.
    if (error instanceof NotFoundError) return { at, problem: "no such key yet (waiting for messages)" };
    return { at, problem: error.message };
  }
}

function frame(key: string, interval: number, { at, info, problem }: Sample): string[] {
  const head = `qstash-flow watch ${printable(JSON.stringify(key))}  every ${interval} ms  ${at.toISOString()}  (Ctrl-C to stop)`;
  const body: [string, string][] = info ? keyFields(info).slice(1) : [["problem", problem ?? ""]];
  const width = Math.max(...body.map(([name]) => name.length));
  return [head, "", ...body.map(([name, value]) => `  ${name.padEnd(width)}  ${printable(value)}`)];
}

/** The plain-text form for pipes and logs: one line per refresh, `name=value` pairs. */
function line(key: string, { at, info, problem }: Sample): string {
  const head = `${at.toISOString()} key=${printable(JSON.stringify(key))}`;
  if (!info) return `${head} problem=${printable(JSON.stringify(problem ?? ""))}\n`;
  const pinned = [info.isPinnedParallelism ? "parallelism" : "", info.isPinnedRate ? "rate" : ""].filter(Boolean);
  const fields = [
    `state=${stateText(info)}`,
    `waitlist=${info.waitListSize}`,
    `parallelism=${info.parallelismCount}/${info.parallelismMax}`,
    `rate=${info.rateCount}/${info.rateMax}`,
    `period=${duration(info.ratePeriod)}`,
    `pinned=${pinned.join(",") || "none"}`,
  ];
  return `${head} ${fields.join(" ")}\n`;
}

function jsonLine(key: string, { at, info, problem }: Sample): string {
  return `${JSON.stringify({ at: at.toISOString(), key, ...(info ? { info } : { problem }) })}\n`;
}

/** `watch <key>`: a live view of one key until Ctrl-C. */
export function addWatchCommand(program: Command, { io }: Context): void {
  withConnection(
    program
      .command("watch")
      .description("a live view of a key's waitlist, parallelism and rate, refreshed until Ctrl-C")
      .argument("<key>", "the flow-control key")
      .addOption(
        new Option("--interval <ms>", "milliseconds between refreshes")
          .default(1000)
          .argParser(milliseconds(MIN_INTERVAL_MS)),
      ),
    { timeout: "the interval, min 5s", retries: "0" },
  ).action(
    guarded(async function (this: Command, key: string) {
      const options = this.opts<WatchFlags>();
      const client = flowControlFrom(options, io);
      const policy = policyFrom(options, io);
      const live = io.stdout.isTTY === true && !options.json;
      const screen = live ? new Screen(io.stdout) : undefined;
      try {
        while (!io.signal?.aborted) {
          const current = await sample(client, key, io, options.interval, policy).catch((error: unknown) => {
            if (isInterruption(error, io.signal)) return undefined;
            throw error;
          });
          if (!current) break;
          if (screen) screen.draw(frame(key, options.interval, current));
          else io.stdout.write(options.json ? jsonLine(key, current) : line(key, current));
          await pause(options.interval, io.signal);
        }
      } finally {
        screen?.close();
      }
    }),
  );
}
