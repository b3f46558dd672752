import { type CallOptions, type RequestPolicy, ValidationError } from "@qstash-flow/flow-control";
import type { Command } from "commander";
import { usageError } from "./errors.js";
import type { CliIO } from "./io.js";

/** What every command gets: the (redacting) streams, the env and the stop signal. */
export interface Context {
  io: CliIO;
  /** Tokens seen on this invocation; the streams cut them out of everything written. */
  secrets: string[];
  /**
   * stdout without the redaction, for data that must reach the user exactly as the API
   * sent it (`export` writes a file of key names: a key that happens to contain the token
   * is still that key). Nothing the CLI composes goes here.
   */
  verbatim: CliIO["stdout"];
  /** `--json` is on the command line: failures are reported as one JSON object, without help. */
  json: boolean;
}

type Action = (this: Command, ...args: any[]) => Promise<void>;

/**
 * An action whose input errors become usage errors (exit 2, pointing to the command's help):
 * the wrapper validates keys and values before sending, and that is the user's mistake,
 * not the API's. Under `--json` the error itself goes on, so its operation and key reach
 * the JSON report.
 */
export function guarded(action: Action): Action {
  return async function (this: Command, ...args: any[]) {
    try {
      await action.apply(this, args);
    } catch (error) {
      if (error instanceof ValidationError && this.opts().json !== true) usageError(this, error.message);
      throw error;
    }
  };
}

/** Per-call options: Ctrl-C cancels the request and its retries. */
export function callOptions(io: CliIO, policy: RequestPolicy = {}): CallOptions {
  return { ...policy, ...(io.signal ? { signal: io.signal } : {}) };
}
