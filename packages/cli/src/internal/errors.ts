import {
  AbortError,
  APIError,
  AuthenticationError,
  ConnectionError,
  PermissionDeniedError,
  QStashError,
  TimeoutError,
} from "@qstash-flow/flow-control";
import { type Command, CommanderError } from "commander";
import { printable } from "./format.js";

/** The exit codes are public API: scripts branch on them. */
export const EXIT = {
  ok: 0,
  /** The API answered with an error, or could not be reached. */
  failed: 1,
  /** The command line is wrong: nothing was sent. */
  usage: 2,
  /** Ctrl-C / SIGTERM cancelled a call (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;

/** A failure outside the API (e.g. a port in use): its message goes to stderr and the exit code is 1. */
export class CommandFailure extends Error {
  override readonly name = "CommandFailure";
}

/** Reports a usage problem found by our code exactly like commander reports its own: the message, then where help is. */
export function usageError(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: EXIT.usage, code: "qstash-flow.usage" });
}

const MAX_CAUSES = 3;

/** The error's message plus the causes that add something, e.g. `connect ECONNREFUSED 127.0.0.1:1`. */
function withCauses(error: Error): string {
  let text = error.message;
  let cause = error.cause;
  for (let depth = 0; cause instanceof Error && depth < MAX_CAUSES; depth++) {
    if (cause.message && !text.includes(cause.message)) text += ` (${cause.message})`;
    cause = cause.cause;
  }
  return text;
}

function hint(error: QStashError): string | undefined {
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return "check the token (--token or QSTASH_TOKEN); each region has its own token";
  }
  if (error instanceof ConnectionError || error instanceof TimeoutError) {
    return "check the API URL (--url, --region or QSTASH_URL)";
  }
  return undefined;
}

/** The stderr text for a failed call: the wrapper's message names the operation and the key. */
export function failureText(error: QStashError): string {
  const extra = hint(error);
  // The message carries what the server said: escape it as the tables and watch do.
  return `error: ${printable(withCauses(error))}\n${extra ? `hint: ${extra}\n` : ""}`;
}

export function isInterruption(error: unknown, signal: AbortSignal | undefined): boolean {
  return error instanceof AbortError && signal?.aborted === true;
}

/**
 * The one JSON object a failure under `--json` writes to stderr, so scripts can branch on
 * it: `name` is the error class (or `UsageError` for a wrong command line), `status` the
 * HTTP status when the API answered, `operation` and `key` what was being done. Nothing is
 * escaped: JSON carries the text as it is.
 */
export function failureJson(error: unknown): string {
  const qstash = error instanceof QStashError ? error : undefined;
  const usage = error instanceof CommanderError;
  const name = usage ? "UsageError" : error instanceof Error ? error.name : "Error";
  const message = usage
    ? error.message.replace(/^error: /, "")
    : error instanceof Error
      ? withCauses(error)
      : String(error);
  const fields = {
    name,
    message,
    status: error instanceof APIError ? error.status : null,
    operation: qstash?.operation ?? null,
    key: qstash?.key ?? null,
  };
  return `${JSON.stringify({ error: fields })}\n`;
}

/** An error's message, or the thrown value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
