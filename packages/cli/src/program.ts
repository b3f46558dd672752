import { Command } from "commander";
import { addDevCommand } from "./commands/dev.js";
import { addReadCommands } from "./commands/read.js";
import { addStateCommands } from "./commands/state.js";
import { addWatchCommand } from "./commands/watch.js";
import { addWriteCommands } from "./commands/write.js";
import type { Context } from "./internal/context.js";
import { VERSION } from "./internal/version.js";

const FOOTER = `
Every API command takes --token, --url or --region, and --json for scripts;
QSTASH_TOKEN and QSTASH_URL are read from the environment, flags win.
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
    })
    .showHelpAfterError()
    .addHelpText("after", FOOTER);
  addReadCommands(program, context);
  addWriteCommands(program, context);
  addStateCommands(program, context);
  addWatchCommand(program, context);
  addDevCommand(program, context);
  return program;
}
