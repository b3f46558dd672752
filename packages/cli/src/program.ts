import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, millisecondsText } from "@qstash-flow/flow-control";
import { Command } from "commander";
import { addDevCommand } from "./commands/dev.js";
import { addDoctorCommand } from "./commands/doctor.js";
import { addMessageCommands } from "./commands/messages.js";
import { addMetricsCommand } from "./commands/metrics.js";
import { addReadCommands } from "./commands/read.js";
import { addStateCommands } from "./commands/state.js";
import { addWatchCommand } from "./commands/watch.js";
import { addWriteCommands } from "./commands/write.js";
import { ENV_RETRIES, ENV_TIMEOUT } from "./internal/connection.js";
import type { Context } from "./internal/context.js";
import { USAGE_LEGEND } from "./internal/format.js";
import { VERSION } from "./internal/version.js";

const FOOTER = `
Every API command takes --token, --url or --region, --timeout, --retries and
--json. Flags win over the environment: QSTASH_TOKEN and QSTASH_URL, or, when
QSTASH_REGION is EU_CENTRAL_1 or US_EAST_1, <REGION>_QSTASH_TOKEN and
<REGION>_QSTASH_URL (as in the official SDK); ${ENV_TIMEOUT} and
${ENV_RETRIES} (defaults ${millisecondsText(DEFAULT_TIMEOUT)} and ${DEFAULT_MAX_RETRIES}).
${USAGE_LEGEND}
Under --json, a failure is one JSON object on stderr:
  {"error": {"name", "message", "status", "operation", "key"}}
Exit codes: 0 success, 1 API or network error, 2 usage error, 130 interrupted.`;

/** The command tree. Settings made here before `command()` are inherited by every subcommand. */
export function buildProgram(context: Context): Command {
  const { stdout, stderr } = context.io;
  const program = new Command("qstash-flow")
    .description("Inspect and control QStash flow-control keys.")
    .version(VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
      getOutHelpWidth: () => stdout.columns ?? 80,
      getErrHelpWidth: () => stderr.columns ?? 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      // Under --json, run() reports the failure as one JSON object instead.
      outputError: (text, write) => {
        if (!context.json) write(text);
      },
    })
    .addHelpText("after", FOOTER);
  addReadCommands(program, context);
  addWriteCommands(program, context);
  addMessageCommands(program, context);
  addStateCommands(program, context);
  addWatchCommand(program, context);
  addMetricsCommand(program, context);
  addDoctorCommand(program, context);
  addDevCommand(program, context);
  pointToHelp(program, context.json);
  return program;
}

/**
 * After a usage error, one line naming the command's own help: the error is what the user
 * must read, and 20 lines of help would bury it. Under --json the failure is JSON alone.
 */
function pointToHelp(command: Command, json: boolean, path = ""): void {
  const name = path ? `${path} ${command.name()}` : command.name();
  command.showHelpAfterError(!json && `Run "${name} --help" for usage.`);
  for (const sub of command.commands) pointToHelp(sub, json, name);
}
