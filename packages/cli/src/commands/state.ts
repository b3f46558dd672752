import { readFile } from "node:fs/promises";
import { AbortError, DEFAULT_CONCURRENCY } from "@qstash-flow/flow-control";
import type { ChangeResult, CheckedState } from "@qstash-flow/ops";
import type { Command } from "commander";
import { asks, confirmed, refuse } from "../internal/confirm.js";
import { type ConnectionOptions, flowControlFrom, withConnection } from "../internal/connection.js";
import { type Context, callOptions, guarded } from "../internal/context.js";
import { CommandFailure } from "../internal/errors.js";
import { json, printable } from "../internal/format.js";
import { once, positiveInteger } from "../internal/parse.js";
import { planJson, planText, resultJson, resultLine, tally, totalText } from "../views/state.js";

// The library, and yaml with it, is loaded only by the commands that use it: the others start faster.
const ops = () => import("@qstash-flow/ops");

interface ApplyFlags extends ConnectionOptions {
  yes?: boolean;
  concurrency?: number;
}

/** The file, validated; a file that cannot be read or used ends the command with exit 2 before anything is sent. */
async function desiredFrom(context: Context, file: string): Promise<CheckedState> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    refuse(context, `cannot read ${file}: ${(error as Error).message}`);
  }
  const { DesiredStateError, parseDesiredState } = await ops();
  try {
    return parseDesiredState(text, { source: file });
  } catch (error) {
    if (error instanceof DesiredStateError)
      refuse(context, `${file} is not a valid desired-state file:\n${error.message}`);
    throw error;
  }
}

/** `plan`, `apply` and `export`: flow control as code. */
export function addStateCommands(program: Command, context: Context): void {
  const { io } = context;
  withConnection(
    program
      .command("plan")
      .description("show what applying a desired-state file would change; changes nothing")
      .argument("<file>", "the desired-state file (YAML or JSON)"),
  ).action(
    guarded(async function (this: Command, file: string) {
      const options = this.opts<ConnectionOptions>();
      const desired = await desiredFrom(context, file);
      const { planDesiredState } = await ops();
      const plan = await planDesiredState(flowControlFrom(options, io), desired, callOptions(io));
      io.stdout.write(options.json ? json(planJson(plan)) : planText(plan));
    }),
  );

  withConnection(
    program
      .command("apply")
      .description("make the live keys match a desired-state file: plan, confirm, then change them")
      .argument("<file>", "the desired-state file (YAML or JSON)")
      .option("--yes", "do not ask for confirmation (needed when stdin is not a terminal)")
      .option("--concurrency <n>", `keys changed at once (default ${DEFAULT_CONCURRENCY})`, once(positiveInteger)),
  ).action(
    guarded(async function (this: Command, file: string) {
      const options = this.opts<ApplyFlags>();
      const desired = await desiredFrom(context, file);
      const flow = flowControlFrom(options, io);
      const { applyPlan, planDesiredState } = await ops();
      const plan = await planDesiredState(flow, desired, callOptions(io));
      // People see the plan before they confirm it. Under --json stdout keeps the result and
      // stderr only JSON errors: the plan goes to stderr only when a question follows.
      if (!options.json) io.stdout.write(planText(plan));
      else if (plan.changes.length > 0 && asks(context, options.yes)) io.stderr.write(planText(plan));
      if (
        plan.changes.length > 0 &&
        !(await confirmed(context, `Apply ${plan.changes.length} change(s)?`, options.yes))
      ) {
        throw new CommandFailure("not confirmed: nothing was changed");
      }
      // Each result is printed as it comes; the skipped ones, which never come, with the total.
      const progress = options.json ? undefined : (result: ChangeResult) => io.stdout.write(`${resultLine(result)}\n`);
      const results = await applyPlan(flow, plan, {
        ...callOptions(io),
        concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
        ...(progress && { onResult: progress }),
      });
      const counts = tally(results);
      // Only a new plan can tell what an interrupted change did: the server may have applied it.
      const again = `run "qstash-flow plan ${file}" again to see what is left to do`;
      const interrupted = io.signal?.aborted
        ? `apply was interrupted: ${counts.interrupted} change(s) may have been applied; ${again}`
        : undefined;
      if (options.json) {
        const unknownKeys = plan.unknownKeys.length > 0 ? { unknownKeys: plan.unknownKeys } : {};
        io.stdout.write(json({ results: results.map(resultJson), ...counts, ...unknownKeys }));
      } else if (results.length > 0) {
        const skipped = results.filter((result) => result.status === "skipped").map(resultLine);
        io.stdout.write(`${skipped.map((line) => `${line}\n`).join("")}${totalText(results)}`);
        if (interrupted) io.stdout.write(`${printable(interrupted)}\n`);
      }
      if (interrupted) throw new AbortError(interrupted, { cause: io.signal?.reason });
      if (counts.failed > 0) throw new CommandFailure(`${counts.failed} of ${results.length} change(s) failed`);
    }),
  );

  withConnection(
    program
      .command("export")
      .description("print the live state of every key (or those with --prefix) as a desired-state file")
      .option("--prefix <prefix>", "only the keys that start with it"),
  ).action(
    guarded(async function (this: Command) {
      const options = this.opts<ConnectionOptions & { prefix?: string }>();
      const { desiredStateText, exportState } = await ops();
      const state = await exportState(flowControlFrom(options, io), {
        ...callOptions(io),
        ...(options.prefix !== undefined && { prefix: options.prefix }),
      });
      for (const key of Object.keys(state.keys).filter((name) => name.endsWith("*"))) {
        // The file has no way to name such a key exactly: say so rather than export a surprise
        // (under --json as a JSON line, as every other warning).
        const message = `${JSON.stringify(key)} ends in "*", so in the file it is a pattern`;
        io.stderr.write(
          options.json ? `${JSON.stringify({ warning: { message } })}\n` : `warning: ${printable(message)}\n`,
        );
      }
      // The file holds the keys as the API sent them, unaltered (see `verbatim`).
      context.verbatim.write(desiredStateText(state, options.json ? "json" : "yaml"));
    }),
  );
}
