// `cancel` and `dlq list|retry|delete`: acting on a key's messages. What cannot be undone
// (cancel, retry, delete) is confirmed for a single key too, showing how many messages the
// key has; `--yes` answers in advance, and off a terminal is required. The bulk forms
// (`--prefix`, `--all`) run through the same machinery as `pause --prefix`.
import { type CallOptions, compareKeys, type FlowControl, NotFoundError } from "@qstash-flow/flow-control";
import { type Command, Option } from "commander";
import { asks, confirmed } from "../internal/confirm.js";
import { type ConnectionOptions, flowControlFrom, withConnection } from "../internal/connection.js";
import { type Context, callOptions, guarded } from "../internal/context.js";
import { CommandFailure } from "../internal/errors.js";
import { json, printable } from "../internal/format.js";
import { type BulkAction, type BulkFlags, runBulk, singleKey, withBulk } from "./bulk.js";

interface MessagesAction extends BulkAction {
  counts: { shown: string; field: string };
  /** What one key's count is of, in a single-key line: "message(s)", "dead letter(s)". */
  noun: string;
  /** How many messages one key has, for the question. */
  count: (flow: FlowControl, key: string, options: CallOptions) => Promise<number>;
  question: (key: string, count: number) => string;
}

const q = (key: string) => JSON.stringify(key);

/** All of the key's dead letters, counted a page at a time. */
async function deadLetters(flow: FlowControl, key: string, options: CallOptions): Promise<number> {
  let count = 0;
  for await (const page of flow.listDeadLetters(key, options)) count += page.messages.length;
  return count;
}

const CANCEL: MessagesAction = {
  operation: "cancelMessages",
  verb: "cancel the messages of",
  past: "cancelled",
  call: (flow, key, options) => flow.cancelMessages(key, options),
  keys: async (flow, options) =>
    new Map((await flow.list(options)).map((info) => [info.flowControlKey, info.waitListSize])),
  counts: { shown: "waiting", field: "cancelled" },
  noun: "message(s)",
  // A key the API does not know has nothing waiting; delayed messages may still be cancelled.
  count: (flow, key, options) =>
    flow.get(key, options).then(
      (info) => info.waitListSize,
      (error: unknown) => (error instanceof NotFoundError ? 0 : Promise.reject(error)),
    ),
  question: (key, count) => `Cancel the messages of ${q(key)} (${count} waiting)?`,
};

const RETRY: MessagesAction = {
  operation: "retryDeadLetters",
  verb: "retry the dead letters of",
  past: "retried",
  call: (flow, key, options) => flow.retryDeadLetters(key, options),
  keys: (flow, options) => flow.countDeadLetters(options),
  counts: { shown: "dead letters", field: "retried" },
  noun: "dead letter(s)",
  count: deadLetters,
  question: (key, count) => `Retry the ${count} dead letter(s) of ${q(key)}?`,
};

const DELETE: MessagesAction = {
  operation: "deleteDeadLetters",
  verb: "delete the dead letters of",
  past: "deleted",
  call: (flow, key, options) => flow.deleteDeadLetters(key, options),
  keys: (flow, options) => flow.countDeadLetters(options),
  counts: { shown: "dead letters", field: "deleted" },
  noun: "dead letter(s)",
  count: deadLetters,
  question: (key, count) => `Delete the ${count} dead letter(s) of ${q(key)}? They cannot be retried after.`,
};

/** One key: ask (showing its count) unless `--yes`, act, report the number. */
async function single(context: Context, flags: BulkFlags, key: string, action: MessagesAction): Promise<void> {
  const { io } = context;
  const flow = flowControlFrom(flags, io);
  const call = callOptions(io);
  // Counted only when someone is asked; off a terminal without --yes, `confirmed` refuses.
  const question = asks(context, flags.yes) ? action.question(key, await action.count(flow, key, call)) : "";
  if (!(await confirmed(context, question, flags.yes))) throw new CommandFailure("not confirmed: nothing was changed");
  const done = (await action.call(flow, key, call)) as number;
  const { field } = action.counts;
  io.stdout.write(
    flags.json
      ? json({ ok: true, operation: action.operation, key, [field]: done })
      : `${printable(`${q(key)}: ${done} ${action.noun} ${field}.`)}\n`,
  );
}

function destructive(command: Command, context: Context, action: MessagesAction): void {
  withBulk(withConnection(command.argument("[key]", "the flow-control key"))).action(
    guarded(async function (this: Command, key: string | undefined) {
      const flags = this.opts<BulkFlags>();
      // --yes answers the question a single key gets here too.
      const { yes: _answered, ...rest } = flags;
      const one = singleKey(this, key, rest);
      if (one === undefined) return runBulk(context, flags, { ...action, verb: action.verb.split(" ")[0] as string });
      await single(context, flags, one, action);
    }),
  );
}

/** `dlq list <key>`: the key's dead letters; with --prefix/--all, how many each key has. */
async function list(context: Context, flags: BulkFlags, key: string | undefined): Promise<void> {
  const { io } = context;
  const flow = flowControlFrom(flags, io);
  const call = callOptions(io);
  if (key === undefined) {
    const { prefix } = flags;
    const counts = [...(await flow.countDeadLetters(call))]
      .filter(([each]) => prefix === undefined || each.startsWith(prefix))
      .sort(([a], [b]) => compareKeys(a, b));
    const scope = prefix === undefined ? { all: true } : { prefix };
    const keys = counts.map(([each, deadLetters]) => ({ key: each, deadLetters }));
    if (flags.json) return void io.stdout.write(json({ ok: true, operation: "countDeadLetters", ...scope, keys }));
    const where = prefix === undefined ? "" : ` with the prefix ${q(prefix)}`;
    if (keys.length === 0) return void io.stdout.write(`No dead letters of keys${where}.\n`);
    const lines = keys.map((each) => `  ${printable(q(each.key))} (${each.deadLetters} dead letters)\n`);
    io.stdout.write(`${keys.length} key(s)${where} with dead letters:\n${lines.join("")}`);
    return;
  }
  const messages = [];
  for await (const page of flow.listDeadLetters(key, call)) messages.push(...page.messages);
  if (flags.json) return void io.stdout.write(json({ ok: true, operation: "listDeadLetters", key, messages }));
  const rows = messages.map((m) =>
    [m.dlqId ?? "-", m.messageId ?? "-", m.responseStatus ?? "-", m.url ?? "-"].map(String).join("  "),
  );
  io.stdout.write(
    `${printable(`${messages.length} dead letter(s) of ${q(key)}${rows.length ? ":" : "."}`)}\n${rows.map((row) => `  ${printable(row)}\n`).join("")}`,
  );
}

/** `cancel` and `dlq list|retry|delete`. */
export function addMessageCommands(program: Command, context: Context): void {
  destructive(
    program
      .command("cancel")
      .description("cancel the key's messages not yet delivered (its waitlist); asks first, showing how many wait"),
    context,
    CANCEL,
  );
  const dlq = program.command("dlq").description("the key's dead letters: messages that exhausted their retries");
  withConnection(
    dlq
      .command("list")
      .description("list the key's dead letters; with --prefix or --all, how many each key has")
      .argument("[key]", "the flow-control key")
      .addOption(new Option("--prefix <prefix>", "instead of a key: every key that starts with it").conflicts("all"))
      .option("--all", "instead of a key: every key"),
  ).action(
    guarded(async function (this: Command, key: string | undefined) {
      const flags = this.opts<BulkFlags & ConnectionOptions>();
      await list(context, flags, singleKey(this, key, flags));
    }),
  );
  destructive(
    dlq.command("retry").description("retry the key's dead letters through its flow control; asks first"),
    context,
    RETRY,
  );
  destructive(dlq.command("delete").description("delete the key's dead letters for good; asks first"), context, DELETE);
}
