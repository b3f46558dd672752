import { QStashError } from "@qstash-flow/flow-control";
import { CommanderError } from "commander";
import type { Context } from "./internal/context.js";
import { CommandFailure, EXIT, failureText, isInterruption } from "./internal/errors.js";
import { printable } from "./internal/format.js";
import { type CliIO, redacting } from "./internal/io.js";
import { buildProgram } from "./program.js";

/** Every `--token` value on the command line, so output is scrubbed of it even when parsing fails. */
function tokensIn(argv: string[]): string[] {
  const tokens: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === "--token" && argv[i + 1] !== undefined) tokens.push(argv[i + 1] as string);
    else if (arg.startsWith("--token=")) tokens.push(arg.slice("--token=".length));
  });
  return tokens;
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and resolves with the
 * exit code: 0 success, 1 API or network error, 2 usage error, 130 interrupted. It never
 * exits the process and never touches `process.env`; the bin wires it to the real process.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = [...argv];
  const secrets = [...tokensIn(args), ...(io.env?.QSTASH_TOKEN ? [io.env.QSTASH_TOKEN] : [])];
  const stderr = redacting(io.stderr, () => secrets);
  const context: Context = { io: { ...io, stdout: redacting(io.stdout, () => secrets), stderr }, secrets };
  try {
    await buildProgram(context).parseAsync(args, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (isInterruption(error, io.signal)) {
      stderr.write("interrupted\n");
      return EXIT.interrupted;
    }
    if (error instanceof CommandFailure) {
      stderr.write(`error: ${printable(error.message)}\n`);
      return EXIT.failed;
    }
    if (error instanceof QStashError) {
      stderr.write(failureText(error));
      return EXIT.failed;
    }
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    // A stack spans lines: keep its newlines, escape every other control character.
    stderr.write(`error: unexpected failure: ${text.split("\n").map(printable).join("\n")}\n`);
    return EXIT.failed;
  }
}
