import {
  AbortError,
  type CallOptions,
  compareKeys,
  DEFAULT_CONCURRENCY,
  type FlowControl,
  forEachBounded,
} from "@qstash-flow/flow-control";
import { type Command, Option } from "commander";
import { asks, confirmed } from "../internal/confirm.js";
import { type ConnectionOptions, flowControlFrom } from "../internal/connection.js";
import { type Context, callOptions } from "../internal/context.js";
import { CommandFailure, errorMessage, usageError } from "../internal/errors.js";
import { json, printable } from "../internal/format.js";
import { once, positiveInteger } from "../internal/parse.js";

export interface BulkFlags extends ConnectionOptions {
  prefix?: string;
  all?: boolean;
  yes?: boolean;
  concurrency?: number;
}

/** What a bulk run does to each key, and how to say it. */
export interface BulkAction {
  operation: string;
  /** `pause` -> "pause", as in "Pause 3 keys?" */
  verb: string;
  /** What is said of a key once done, e.g. "paused". */
  past: string;
  /** What was set, said after `past` on each key's line as a single-key run says it, e.g. "parallelism 5". */
  detail?: string;
  /** Acts on one key; a number it resolves with is reported under `counts.field`. */
  call: (flow: FlowControl, key: string, options: CallOptions) => Promise<unknown>;
  /** Extra fields for the JSON report, e.g. `{ pinned: {...} }`. */
  extra?: Record<string, unknown>;
  /**
   * The keys to act on, each with how many messages it has (shown before the question);
   * without it, every key `list` returns.
   */
  keys?: (flow: FlowControl, options: CallOptions) => Promise<Map<string, number>>;
  /** With `keys`: what its numbers are ("waiting"), and the JSON field of the calls' numbers ("cancelled"). */
  counts?: { shown: string; field: string };
}

/** `--prefix`, `--all`, `--yes` and `--concurrency` on a command that takes one key otherwise. */
export function withBulk(command: Command): Command {
  return command
    .addOption(new Option("--prefix <prefix>", "instead of a key: every key that starts with it").conflicts("all"))
    .option("--all", "instead of a key: every key")
    .option("--yes", "with --prefix or --all: do not ask for confirmation (needed when stdin is not a terminal)")
    .option(
      "--concurrency <n>",
      `with --prefix or --all: keys changed at once (default ${DEFAULT_CONCURRENCY})`,
      once(positiveInteger),
    );
}

/** The single key to act on, or `undefined` when the flags ask for a bulk run. Usage errors exit 2. */
export function singleKey(command: Command, key: string | undefined, flags: BulkFlags): string | undefined {
  const bulk = flags.prefix !== undefined || flags.all === true;
  if (key !== undefined && bulk) usageError(command, "give either a key or --prefix/--all, not both");
  if (key === undefined && !bulk)
    usageError(command, "missing required argument 'key' (or --prefix <prefix>, or --all)");
  const bulkOnly = [flags.yes && "--yes", flags.concurrency !== undefined && "--concurrency"].filter(Boolean);
  if (key !== undefined && bulkOnly.length > 0) {
    const verb = bulkOnly.length > 1 ? "apply" : "applies";
    usageError(command, `${bulkOnly.join(" and ")} only ${verb} with --prefix or --all, not to a single key`);
  }
  if (flags.prefix === "") usageError(command, "--prefix must not be empty; --all acts on every key");
  return key;
}

/**
 * The bulk run: one `list`, the matching keys shown and confirmed, then one call per key,
 * at most `--concurrency` at once, going on past failures. Nothing is sent past the list
 * when no key matches. Exit 1 when any key failed.
 */
export async function runBulk(context: Context, flags: BulkFlags, action: BulkAction): Promise<void> {
  const { io } = context;
  const flow = flowControlFrom(flags, io);
  const call = callOptions(io);
  const { prefix } = flags;
  const counted = await action.keys?.(flow, call);
  const keys = (counted ? [...counted.keys()] : (await flow.list(call)).map((info) => info.flowControlKey))
    .filter((key) => prefix === undefined || key.startsWith(prefix))
    .sort();
  const field = action.counts?.field;
  const scope = prefix === undefined ? "" : ` with the prefix ${JSON.stringify(prefix)}`;
  const summary = {
    ok: true,
    operation: action.operation,
    ...(prefix === undefined ? { all: true } : { prefix }),
    ...action.extra,
  };
  if (keys.length === 0) {
    io.stdout.write(
      flags.json
        ? json({ ...summary, matched: 0, done: 0, failed: 0, results: [] })
        : `No keys${scope}: nothing to do.\n`,
    );
    return;
  }
  const count = (key: string) => (counted && action.counts ? ` (${counted.get(key)} ${action.counts.shown})` : "");
  const listing = `${keys.length} key(s)${scope}:\n${keys.map((key) => `  ${printable(JSON.stringify(key))}${count(key)}\n`).join("")}`;
  // Under --json stdout holds one JSON document and stderr only JSON errors: the listing,
  // there to be confirmed, is shown only when a question follows.
  if (!flags.json) io.stdout.write(listing);
  else if (asks(context, flags.yes)) io.stderr.write(listing);
  const question = `${action.verb[0]?.toUpperCase()}${action.verb.slice(1)} ${keys.length} key(s)?`;
  if (!(await confirmed(context, question, flags.yes))) throw new CommandFailure("not confirmed: nothing was changed");

  const results: { key: string; ok: boolean; error?: string; [field: string]: unknown }[] = [];
  await forEachBounded(
    keys,
    flags.concurrency ?? DEFAULT_CONCURRENCY,
    async (key) => {
      try {
        const done = await action.call(flow, key, call);
        const number = typeof done === "number" && field !== undefined;
        results.push({ key, ok: true, ...(number && { [field]: done }) });
        const what = number
          ? `${action.past}: ${done}`
          : action.detail
            ? `${action.past}: ${action.detail}`
            : action.past;
        if (!flags.json) io.stdout.write(`${printable(`${JSON.stringify(key)} ${what}.`)}\n`);
      } catch (error) {
        results.push({ key, ok: false, error: errorMessage(error) });
        if (!flags.json) io.stdout.write(`${printable(`${JSON.stringify(key)} failed: ${errorMessage(error)}`)}\n`);
      }
    },
    io.signal,
  );
  const failed = results.filter((result) => !result.ok).length;
  const done = results.length - failed;
  const sum = field ? results.reduce((all, result) => all + ((result[field] as number | undefined) ?? 0), 0) : 0;
  const total = field ? { [field]: sum } : {};
  if (flags.json) {
    const sorted = results.sort((a, b) => compareKeys(a.key, b.key));
    io.stdout.write(
      json({ ...summary, ok: failed === 0, matched: keys.length, done, failed, ...total, results: sorted }),
    );
  } else {
    const all = field ? ` (${sum} ${field} in all)` : "";
    io.stdout.write(`Done: ${action.past} ${done} of ${keys.length} key(s), ${failed} failed${all}.\n`);
  }
  if (io.signal?.aborted) throw new AbortError(`${action.verb} was interrupted`, { cause: io.signal.reason });
  if (failed > 0) throw new CommandFailure(`${failed} of ${keys.length} key(s) failed`);
}
