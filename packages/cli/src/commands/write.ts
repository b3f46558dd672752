import { type CallOptions, durationText, type FlowControl } from "@qstash-flow/flow-control";
import type { Command } from "commander";
import { type ConnectionOptions, flowControlFrom, withConnection } from "../internal/connection.js";
import { type Context, callOptions, guarded } from "../internal/context.js";
import { usageError } from "../internal/errors.js";
import { json, printable } from "../internal/format.js";
import { once, period, positiveInteger } from "../internal/parse.js";
import { type BulkFlags, runBulk, singleKey, withBulk } from "./bulk.js";

type Simple = "pause" | "resume" | "resetRate";

const SIMPLE: { name: string; operation: Simple; description: string; done: string; past: string }[] = [
  {
    name: "pause",
    operation: "pause",
    past: "paused",
    description: "stop delivering the key's messages; new and waiting messages stay in the waitlist",
    done: "paused: its messages wait until resume",
  },
  {
    name: "resume",
    operation: "resume",
    past: "resumed",
    description: "deliver the key's messages again; the waitlist drains",
    done: "resumed: its waitlist drains",
  },
  {
    name: "reset-rate",
    operation: "resetRate",
    past: "rate reset",
    description: "clear the key's rate count and start a new rate period now",
    done: "rate reset: a new period starts now",
  },
];

interface PinFlags extends BulkFlags {
  parallelism?: number;
  rate?: number;
  period?: number;
}

interface UnpinFlags extends BulkFlags {
  parallelism?: boolean;
  rate?: boolean;
}

/** `parallelism 5, rate 100, period 1m`: what a pin sets, the same for one key and for many. */
function pinnedText(values: { parallelism?: number; rate?: number; period?: number }): string {
  return [
    values.parallelism !== undefined ? `parallelism ${values.parallelism}` : "",
    values.rate !== undefined ? `rate ${values.rate}` : "",
    values.period !== undefined ? `period ${durationText(values.period)}` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

/** `parallelism and rate`: what an unpin releases. */
function unpinnedText(flags: { parallelism: boolean; rate: boolean }): string {
  return [flags.parallelism ? "parallelism" : "", flags.rate ? "rate" : ""].filter(Boolean).join(" and ");
}

/** One line for people, one stable object for scripts. */
function report(context: Context, options: ConnectionOptions, line: string, result: Record<string, unknown>): void {
  // The key is shown escaped, as every other output shows it; --json keeps it as it is.
  context.io.stdout.write(options.json ? json({ ok: true, ...result }) : `${printable(line)}\n`);
}

/** `pause`, `resume`, `reset-rate`, `pin` and `unpin`: the calls that change a key. */
export function addWriteCommands(program: Command, context: Context): void {
  const { io } = context;
  for (const { name, operation, description, done, past } of SIMPLE) {
    withBulk(
      withConnection(program.command(name).description(description).argument("[key]", "the flow-control key")),
    ).action(
      guarded(async function (this: Command, key: string | undefined) {
        const options = this.opts<BulkFlags>();
        key = singleKey(this, key, options);
        if (key === undefined) {
          const call = (flow: FlowControl, each: string, call: CallOptions) => flow[operation](each, call);
          return runBulk(context, options, { operation, verb: name, past, call });
        }
        await flowControlFrom(options, io)[operation](key, callOptions(io));
        report(context, options, `${JSON.stringify(key)} ${done}.`, { operation, key });
      }),
    );
  }

  withBulk(
    withConnection(
      program
        .command("pin")
        .description("fix the key's parallelism, rate and/or period; configurations on new messages are ignored")
        .argument("[key]", "the flow-control key")
        .option("--parallelism <n>", "messages delivered at once", once(positiveInteger))
        .option("--rate <n>", "messages started per period", once(positiveInteger))
        .option(
          "--period <duration>",
          'the rate period, with a unit: "30s", "5m", "1h", "1d"; at most 7d',
          once(period),
        ),
    ),
  ).action(
    guarded(async function (this: Command, key: string | undefined) {
      const options = this.opts<PinFlags>();
      const values = {
        ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
        ...(options.rate !== undefined ? { rate: options.rate } : {}),
        ...(options.period !== undefined ? { period: options.period } : {}),
      };
      if (Object.keys(values).length === 0) usageError(this, "pin needs --parallelism, --rate or --period");
      key = singleKey(this, key, options);
      if (key === undefined) {
        const call = (flow: FlowControl, each: string, call: CallOptions) => flow.pin(each, values, call);
        return runBulk(context, options, {
          operation: "pin",
          verb: "pin",
          past: "pinned",
          detail: pinnedText(values),
          call,
          extra: { pinned: values },
        });
      }
      await flowControlFrom(options, io).pin(key, values, callOptions(io));
      report(context, options, `${JSON.stringify(key)} pinned: ${pinnedText(values)}.`, {
        operation: "pin",
        key,
        pinned: values,
      });
    }),
  );

  withBulk(
    withConnection(
      program
        .command("unpin")
        .description("remove the key's pinned parallelism and/or rate; the last pinned values apply until new messages")
        .argument("[key]", "the flow-control key")
        .option("--parallelism", "unpin the parallelism")
        .option("--rate", "unpin the rate and its period"),
    ),
  ).action(
    guarded(async function (this: Command, key: string | undefined) {
      const options = this.opts<UnpinFlags>();
      const flags = { parallelism: options.parallelism === true, rate: options.rate === true };
      if (!flags.parallelism && !flags.rate) usageError(this, "unpin needs --parallelism, --rate or both");
      key = singleKey(this, key, options);
      if (key === undefined) {
        const call = (flow: FlowControl, each: string, call: CallOptions) => flow.unpin(each, flags, call);
        return runBulk(context, options, {
          operation: "unpin",
          verb: "unpin",
          past: "unpinned",
          detail: unpinnedText(flags),
          call,
          extra: { unpinned: flags },
        });
      }
      await flowControlFrom(options, io).unpin(key, flags, callOptions(io));
      report(context, options, `${JSON.stringify(key)} unpinned: ${unpinnedText(flags)}.`, {
        operation: "unpin",
        key,
        unpinned: flags,
      });
    }),
  );
}
