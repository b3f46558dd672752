import type { Trend } from "@qstash-flow/ops";
import {
  AuthenticationError,
  byKey,
  durationText,
  type FlowControlInfo,
  NotFoundError,
  PermissionDeniedError,
  QStashError,
  ValidationError,
} from "@qstash-flow/flow-control";
import { isInterruption } from "../internal/errors.js";
import { keyFields, parallelismText, printable, rateText, stateText, table } from "../internal/format.js";
import type { CliIO } from "../internal/io.js";
import { drainText, perSecondText, sparkline } from "./trend.js";

/** One refresh: the key's state, or why it could not be read this time. */
export interface Sample {
  at: Date;
  info?: FlowControlInfo;
  problem?: string;
}

// Never fewer than this many keys per screen, however small the terminal says it is.
const MIN_TABLE_ROWS = 3;

/**
 * What a failed refresh shows instead of the key, or the error rethrown when waiting
 * cannot help (bad input, bad token, Ctrl-C, a bug).
 */
export function problemOf(error: unknown, io: CliIO): string {
  const fatal =
    error instanceof ValidationError ||
    error instanceof AuthenticationError ||
    error instanceof PermissionDeniedError ||
    !(error instanceof QStashError);
  if (fatal || isInterruption(error, io.signal)) throw error;
  // A key exists once messages use it: keep watching until they do.
  if (error instanceof NotFoundError) return "no such key yet (waiting for messages)";
  return error.message;
}

/** The trend's name/value lines for the live view of one key. */
function trendFields(trend: Trend): [string, string][] {
  return [
    ["waitlist trend", sparkline(trend.waitlist)],
    ["delivery rate", `${perSecondText(trend.deliveryRate)} (started, observed)`],
    ["time to drain", drainText(trend.drainSeconds)],
  ];
}

export function keyFrame(key: string, interval: number, { at, info, problem }: Sample, trend: Trend): string[] {
  const head = `qstash-flow watch ${printable(JSON.stringify(key))}  every ${interval} ms  ${at.toISOString()}  (Ctrl-C to stop)`;
  const body: [string, string][] = info
    ? [...keyFields(info).slice(1), ...trendFields(trend)]
    : [["problem", problem ?? ""]];
  const width = Math.max(...body.map(([name]) => name.length));
  return [head, "", ...body.map(([name, value]) => `  ${name.padEnd(width)}  ${printable(value)}`)];
}

/** The plain-text form for pipes and logs: one line per key and refresh, `name=value` pairs. */
export function keyLine(key: string, { at, info, problem }: Sample, trend: Trend): string {
  const head = `${at.toISOString()} key=${printable(JSON.stringify(key))}`;
  if (!info) return `${head} problem=${printable(JSON.stringify(problem ?? ""))}\n`;
  const pinned = [info.isPinnedParallelism ? "parallelism" : "", info.isPinnedRate ? "rate" : ""].filter(Boolean);
  const fields = [
    `state=${stateText(info)}`,
    `waitlist=${info.waitListSize}`,
    `parallelism=${info.parallelismCount}/${info.parallelismMax}`,
    `rate=${info.rateCount}/${info.rateMax}`,
    `period=${durationText(info.ratePeriod)}`,
    `pinned=${pinned.join(",") || "none"}`,
    `delivery_rate=${perSecondText(trend.deliveryRate)}`,
    `drain=${drainText(trend.drainSeconds)}`,
  ];
  return `${head} ${fields.join(" ")}\n`;
}

export function keyJsonLine(key: string, { at, info, problem }: Sample, trend: Trend): string {
  const numbers = { deliveryRate: trend.deliveryRate ?? null, drainSeconds: trend.drainSeconds ?? null };
  return `${JSON.stringify({ at: at.toISOString(), key, ...(info ? { info, trend: numbers } : { problem }) })}\n`;
}

/** The biggest waitlist first: that is where an operator looks. */
export function byWaitlist(a: FlowControlInfo, b: FlowControlInfo): number {
  return b.waitListSize - a.waitListSize || byKey(a, b);
}

/**
 * The live table of `watch --prefix`: every key sorted by waitlist, clipped to `height`
 * lines (the terminal's, less one so that the last newline does not scroll the frame).
 */
export interface PrefixView {
  prefix: string;
  interval: number;
  at: Date;
  /** The matching keys, sorted. */
  keys: FlowControlInfo[];
  trends: Map<string, Trend>;
  /** Why the last refresh failed; the keys are then those of the last good one. */
  problem: string | undefined;
  /** Lines the frame may take. */
  height: number;
}

export function prefixFrame({ prefix, interval, at, keys, trends, problem, height }: PrefixView): string[] {
  const head = `qstash-flow watch --prefix ${printable(JSON.stringify(prefix))}  every ${interval} ms  ${at.toISOString()}  ${keys.length} ${keys.length === 1 ? "key" : "keys"}  (Ctrl-C to stop)`;
  const lines = [head, problem === undefined ? "" : `problem: ${printable(problem)}`];
  if (keys.length === 0) return [...lines, "No flow-control keys match."];
  // Lines for the table: its header, its rows and, when clipped, the "more" line.
  const room = Math.max(height - lines.length, MIN_TABLE_ROWS + 2);
  const fits = keys.length + 1 <= room;
  const shown = fits ? keys : keys.slice(0, room - 2);
  const rows = shown.map((info) => {
    const trend = trends.get(info.flowControlKey);
    return [
      info.flowControlKey,
      stateText(info),
      String(info.waitListSize),
      trend ? sparkline(trend.waitlist) : "",
      parallelismText(info),
      rateText(info),
      perSecondText(trend?.deliveryRate),
      drainText(trend?.drainSeconds),
    ];
  });
  const header = ["KEY", "STATE", "WAITLIST", "TREND", "PARALLELISM", "RATE", "DELIVERIES", "DRAIN"];
  const body = table(header, rows).trimEnd().split("\n");
  const more = fits
    ? []
    : [`... ${keys.length - shown.length} more (sorted by waitlist; a taller terminal shows more)`];
  return [...lines, ...body, ...more];
}
