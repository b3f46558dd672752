import type { Command } from "commander";
import { type ConnectionOptions, flowControlFrom, withConnection } from "../internal/connection.js";
import { type Context, callOptions, guarded } from "../internal/context.js";
import { usageError } from "../internal/errors.js";
import { duration, json } from "../internal/format.js";
import { once, period, positiveInteger } from "../internal/parse.js";

type Simple = "pause" | "resume" | "resetRate";

const SIMPLE: { name: string; operation: Simple; description: string; done: string }[] = [
  {
    name: "pause",
    operation: "pause",
    description: "stop delivering the key's messages; new and waiting messages stay in the waitlist",
    done: "paused: its messages wait until resume",
  },
  {
    name: "resume",
    operation: "resume",
    description: "deliver the key's messages again; the waitlist drains",
    done: "resumed: its waitlist drains",
  },
  {
    name: "reset-rate",
    operation: "resetRate",
    description: "clear the key's rate count and start a new rate period now",
    done: "rate reset: a new period starts now",
  },
];

interface PinFlags extends ConnectionOptions {
  parallelism?: number;
  rate?: number;
  period?: number;
}

interface UnpinFlags extends ConnectionOptions {
  parallelism?: boolean;
  rate?: boolean;
}

/** One line for people, one stable object for scripts. */
function report(context: Context, options: ConnectionOptions, line: string, result: Record<string, unknown>): void {
  context.io.stdout.write(options.json ? json({ ok: true, ...result }) : `${line}\n`);
}

/** `pause`, `resume`, `reset-rate`, `pin` and `unpin`: the calls that change a key. */
export function addWriteCommands(program: Command, context: Context): void {
  const { io } = context;
  for (const { name, operation, description, done } of SIMPLE) {
    withConnection(program.command(name).description(description).argument("<key>", "the flow-control key")).action(
      guarded(async function (this: Command, key: string) {
        const options = this.opts<ConnectionOptions>();
        await flowControlFrom(options, io)[operation](key, callOptions(io));
        report(context, options, `${JSON.stringify(key)} ${done}.`, { operation, key });
      }),
    );
  }

  withConnection(
    program
      .command("pin")
      .description("fix the key's parallelism, rate and/or period; configurations on new messages are ignored")
      .argument("<key>", "the flow-control key")
      .option("--parallelism <n>", "messages delivered at once", once(positiveInteger))
      .option("--rate <n>", "messages started per period", once(positiveInteger))
      .option("--period <duration>", 'the rate period: seconds or "30s", "5m", "1h", "1d"; at most 7d', once(period)),
  ).action(
    guarded(async function (this: Command, key: string) {
      const options = this.opts<PinFlags>();
      const values = {
        ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
        ...(options.rate !== undefined ? { rate: options.rate } : {}),
        ...(options.period !== undefined ? { period: options.period } : {}),
      };
      if (Object.keys(values).length === 0) usageError(this, "pin needs --parallelism, --rate or --period");
      await flowControlFrom(options, io).pin(key, values, callOptions(io));
      const shown = [
        values.parallelism !== undefined ? `parallelism ${values.parallelism}` : "",
        values.rate !== undefined ? `rate ${values.rate}` : "",
        values.period !== undefined ? `period ${duration(values.period)}` : "",
      ].filter(Boolean);
      report(context, options, `${JSON.stringify(key)} pinned: ${shown.join(", ")}.`, {
        operation: "pin",
        key,
        pinned: values,
      });
    }),
  );

  withConnection(
    program
      .command("unpin")
      .description("remove the key's pinned parallelism and/or rate; the last pinned values apply until new messages")
      .argument("<key>", "the flow-control key")
      .option("--parallelism", "unpin the parallelism")
      .option("--rate", "unpin the rate and its period"),
  ).action(
    guarded(async function (this: Command, key: string) {
      const options = this.opts<UnpinFlags>();
      const flags = { parallelism: options.parallelism === true, rate: options.rate === true };
      if (!flags.parallelism && !flags.rate) usageError(this, "unpin needs --parallelism, --rate or both");
      await flowControlFrom(options, io).unpin(key, flags, callOptions(io));
      const shown = [flags.parallelism ? "parallelism" : "", flags.rate ? "rate" : ""].filter(Boolean);
      report(context, options, `${JSON.stringify(key)} unpinned: ${shown.join(" and ")}.`, {
        operation: "unpin",
        key,
        unpinned: flags,
      });
    }),
  );
}
