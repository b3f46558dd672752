import { Writable } from "node:stream";
import { AbortError } from "@qstash-flow/flow-control";
import { CommanderError } from "commander";
import type { Context } from "./context.js";
import { EXIT } from "./errors.js";
import { printable } from "./format.js";

/** Ends the command with `message` on stderr and exit 2, without the help text a syntax error gets. */
export function refuse(context: Context, message: string): never {
  // Under --json the message reaches stderr once, as the JSON error the runner writes.
  // Key names from a file are shown as they are, but no control character reaches the terminal.
  if (!context.json) context.io.stderr.write(`error: ${message.split("\n").map(printable).join("\n")}\n`);
  throw new CommanderError(EXIT.usage, "qstash-flow.refused", message);
}

/** Whether `confirmed` would put a question: no `yes`, and a terminal to answer on. */
export function asks(context: Context, yes: boolean | undefined): boolean {
  return !yes && context.io.stdin?.isTTY === true;
}

/**
 * Asks "`question` (y/N)" on a terminal; `yes` answers it in advance. Off a terminal,
 * without `yes`, it refuses (exit 2) and says why, so a script never hangs on a prompt
 * nor changes keys nobody confirmed. The prompt is written to stderr, so `--json` output
 * on stdout stays clean. Ctrl-C at the prompt answers no.
 */
export async function confirmed(context: Context, question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  const { stdin, stderr, signal } = context.io;
  if (!stdin?.isTTY) refuse(context, "standard input is not a terminal, so nobody can confirm: pass --yes to go ahead");
  // The prompt writes through the redacting stderr like everything else.
  const output = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        stderr.write(String(chunk));
        done();
      },
    }),
    // The prompt measures the terminal to know how many lines to redraw.
    { isTTY: stderr.isTTY, columns: stderr.columns ?? 80 },
  );
  // Loaded only when someone is asked: every other command starts without it.
  const { default: confirm } = await import("@inquirer/confirm");
  try {
    return await confirm({ message: question, default: false }, { input: stdin, output, ...(signal && { signal }) });
  } catch (error) {
    const name = (error as Error | undefined)?.name;
    // Ctrl-C at the prompt (a key press in raw mode) is a "no"; an aborted signal is an interruption.
    if (name === "ExitPromptError") return false;
    if (name === "AbortPromptError") throw new AbortError("the confirmation was interrupted", { cause: error });
    throw error;
  }
}
