import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT,
  ENV_REGIONS,
  FlowControl,
  MissingTokenError,
  millisecondsText,
  type Region,
  type RequestPolicy,
  ValidationError,
} from "@qstash-flow/flow-control";
import { type Command, InvalidArgumentError, Option } from "commander";
import { printable } from "./format.js";
import type { CliIO } from "./io.js";
import { once, timeout, wholeNumber } from "./parse.js";

export interface ConnectionOptions {
  token?: string;
  url?: string;
  region?: Region;
  json?: boolean;
  /** Milliseconds per attempt, from `--timeout` (the environment is read by `policyFrom`). */
  timeout?: number;
  /** Retries after the first attempt, from `--retries`. */
  retries?: number;
}

/** The environment variables that bound every call, beside the flags. */
export const ENV_TIMEOUT = "QSTASH_FLOW_TIMEOUT";
export const ENV_RETRIES = "QSTASH_FLOW_RETRIES";

/** Every variable that may hold a token: all of them are scrubbed from output. */
export const TOKEN_VARIABLES = ["QSTASH_TOKEN", ...ENV_REGIONS.map((region) => `${region}_QSTASH_TOKEN`)];

/** What a command says its defaults are when they differ from the client's (e.g. `watch`). */
export interface PolicyDefaults {
  timeout?: string;
  retries?: string;
}

/**
 * The options every API command takes. Defaults are named, never shown: the help must
 * not print a token that happens to be in the environment.
 */
export function withConnection(command: Command, defaults: PolicyDefaults = {}): Command {
  const timeoutDefault = defaults.timeout ?? millisecondsText(DEFAULT_TIMEOUT);
  const retriesDefault = defaults.retries ?? String(DEFAULT_MAX_RETRIES);
  return (
    command
      .addOption(new Option("--token <token>", "QStash token (default: $QSTASH_TOKEN)"))
      .addOption(
        new Option(
          "--url <url>",
          "QStash API base URL (default: $QSTASH_URL, else https://qstash.upstash.io)",
        ).conflicts("region"),
      )
      // The wrapper validates the region, so the list of regions lives in one place.
      .addOption(new Option("--region <region>", "QStash region instead of --url: eu-central-1 or us-east-1"))
      .addOption(
        new Option(
          "--timeout <duration>",
          `per attempt, with a unit: 500ms, 10s, 2m (default: $${ENV_TIMEOUT}, else ${timeoutDefault})`,
        ).argParser(once(timeout)),
      )
      .addOption(
        new Option(
          "--retries <n>",
          `retries on network errors, 408, 429, 5xx (default: $${ENV_RETRIES}, else ${retriesDefault})`,
        ).argParser(once(wholeNumber)),
      )
      .option("--json", "print JSON for scripts instead of a table")
  );
}

/** A flag's value, else the variable's (blank means unset), parsed by the flag's own rule. */
function fromFlagOrEnv<T>(flag: T | undefined, io: CliIO, name: string, parse: (value: string) => T): T | undefined {
  if (flag !== undefined) return flag;
  const value = io.env?.[name];
  if (!value?.trim()) return undefined;
  try {
    return parse(value.trim());
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new ValidationError(`${name}=${value}: ${error.message}`);
    throw error;
  }
}

/** `--timeout` / `--retries`, else their environment variables; `undefined` leaves the default. */
export function policyFrom(options: ConnectionOptions, io: CliIO): RequestPolicy {
  const ms = fromFlagOrEnv(options.timeout, io, ENV_TIMEOUT, timeout);
  const retries = fromFlagOrEnv(options.retries, io, ENV_RETRIES, wholeNumber);
  return { ...(ms !== undefined && { timeout: ms }), ...(retries !== undefined && { maxRetries: retries }) };
}

/** When `QSTASH_REGION` could not be followed the library says why: the user must know which account is used. */
function warn(warning: string | undefined, options: ConnectionOptions, io: CliIO): void {
  if (!warning) return;
  io.stderr.write(
    options.json ? `${JSON.stringify({ warning: { message: warning } })}\n` : `warning: ${printable(warning)}\n`,
  );
}

const noToken = () =>
  new ValidationError(
    "no QStash token: pass --token or set QSTASH_TOKEN (`qstash-flow dev` starts a local QStash and prints a working one)",
  );

/**
 * A client from the flags, then the environment in the official SDK's order: the
 * library's `FlowControl.fromEnv`, with the flags as its options, so a flag always wins.
 */
export function flowControlFrom(options: ConnectionOptions, io: CliIO): FlowControl {
  const policy = policyFrom(options, io);
  // A blank --token is no token, as a blank variable is.
  if (options.token !== undefined && !options.token.trim()) throw noToken();
  let flow: FlowControl;
  try {
    flow = FlowControl.fromEnv(io.env ?? {}, {
      ...policy,
      ...(options.token !== undefined && { token: options.token }),
      ...(options.url !== undefined && { baseUrl: options.url }),
      ...(options.region !== undefined && { region: options.region }),
    });
  } catch (error) {
    if (!(error instanceof MissingTokenError)) throw error;
    warn(error.warning, options, io);
    throw noToken();
  }
  warn(flow.credentialsSource.warning, options, io);
  return flow;
}
