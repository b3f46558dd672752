import { FlowControl, type Region, ValidationError } from "@qstash-flow/flow-control";
import { type Command, Option } from "commander";
import type { CliIO } from "./io.js";

export interface ConnectionOptions {
  token?: string;
  url?: string;
  region?: Region;
  json?: boolean;
}

/**
 * The options every API command takes. Defaults are named, never shown: the help must
 * not print a token that happens to be in the environment.
 */
export function withConnection(command: Command): Command {
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
      .option("--json", "print JSON for scripts instead of a table")
  );
}

/** The token this invocation will send, so every output can be scrubbed of it. */
export function tokenOf(options: ConnectionOptions, io: CliIO): string | undefined {
  return options.token ?? io.env?.QSTASH_TOKEN;
}

/** A client from the flags, falling back to `QSTASH_TOKEN` / `QSTASH_URL`; a flag always wins. */
export function flowControlFrom(options: ConnectionOptions, io: CliIO): FlowControl {
  const token = tokenOf(options, io);
  if (!token?.trim()) {
    throw new ValidationError("no QStash token: pass --token or set QSTASH_TOKEN");
  }
  if (options.region) return new FlowControl({ token, region: options.region });
  // An empty --url is a mistake to report; an empty QSTASH_URL just means "not set".
  const url = options.url ?? (io.env?.QSTASH_URL?.trim() || undefined);
  return new FlowControl({ token, ...(url !== undefined ? { baseUrl: url } : {}) });
}
