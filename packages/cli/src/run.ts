import { QStashError, ValidationError } from "@qstash-flow/flow-control";
import { CommanderError } from "commander";
import { TOKEN_VARIABLES } from "./internal/connection.js";
import type { Context } from "./internal/context.js";
import { CommandFailure, EXIT, failureJson, failureText, isInterruption } from "./internal/errors.js";
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

/** `--json` before any `--` (after it, words are arguments). */
function jsonRequested(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and resolves with the
 * exit code: 0 success, 1 API or network error, 2 usage error, 130 interrupted. It never
 * exits the process and never touches `process.env`; the bin wires it to the real process.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = [...argv];
  const fromEnv = TOKEN_VARIABLES.map((name) => io.env?.[name]).filter((token): token is string => !!token);
  const secrets = [...tokensIn(args), ...fromEnv];
  const stderr = redacting(io.stderr, () => secrets);
  const json = jsonRequested(args);
  const context: Context = {
    io: { ...io, stdout: redacting(io.stdout, () => secrets), stderr },
    secrets,
    json,
    verbatim: io.stdout,
  };
  try {
    await buildProgram(context).parseAsync(args, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    const code = exitCode(error, io.signal);
    if (json && code !== EXIT.ok) stderr.write(failureJson(error));
    else if (code === EXIT.interrupted) stderr.write("interrupted\n");
    else if (error instanceof CommanderError) {
      // commander has written its message and the help already.
    } else if (error instanceof CommandFailure) stderr.write(`error: ${printable(error.message)}\n`);
    else if (error instanceof QStashError) stderr.write(failureText(error));
    else {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      // A stack spans lines: keep its newlines, escape every other control character.
      stderr.write(`error: unexpected failure: ${text.split("\n").map(printable).join("\n")}\n`);
    }
    return code;
  }
}

function exitCode(error: unknown, signal: AbortSignal | undefined): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (isInterruption(error, signal)) return EXIT.interrupted;
  // Refused before sending (under --json it arrives here instead of as commander's error).
  if (error instanceof ValidationError) return EXIT.usage;
  return EXIT.failed;
}
