import type { Command } from "commander";
import { type ConnectionOptions, flowControlFrom, withConnection } from "../internal/connection.js";
import { type Context, callOptions, guarded } from "../internal/context.js";
import { globalDetails, json, keyDetails, keysTable, USAGE_LEGEND } from "../internal/format.js";

/** `list`, `get` and `global`: read-only views of the flow-control state. */
export function addReadCommands(program: Command, { io }: Context): void {
  withConnection(
    program
      .command("list")
      .description("list every flow-control key with its state and limits")
      .addHelpText("after", `\n${USAGE_LEGEND}`),
  ).action(
    guarded(async function (this: Command) {
      const options = this.opts<ConnectionOptions>();
      const keys = await flowControlFrom(options, io).list(callOptions(io));
      // On a terminal wide cells are clipped so that no row wraps; --json and pipes keep everything.
      const width = io.stdout.isTTY ? io.stdout.columns : undefined;
      io.stdout.write(options.json ? json(keys) : keysTable(keys, width));
    }),
  );

  withConnection(
    program
      .command("get")
      .description("show one key: state, waitlist, parallelism and rate")
      .argument("<key>", "the flow-control key")
      .addHelpText("after", `\n${USAGE_LEGEND}`),
  ).action(
    guarded(async function (this: Command, key: string) {
      const options = this.opts<ConnectionOptions>();
      const info = await flowControlFrom(options, io).get(key, callOptions(io));
      io.stdout.write(options.json ? json(info) : keyDetails(info));
    }),
  );

  withConnection(
    program
      .command("global")
      .description("show the account-wide parallelism limit and how much of it is in use")
      .addHelpText("after", `\n${USAGE_LEGEND}`),
  ).action(
    guarded(async function (this: Command) {
      const options = this.opts<ConnectionOptions>();
      const global = await flowControlFrom(options, io).getGlobalParallelism(callOptions(io));
      io.stdout.write(options.json ? json(global) : globalDetails(global));
    }),
  );
}
