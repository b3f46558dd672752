#!/usr/bin/env node
import { parseArgs } from "node:util";
import { isPortInUse, portInUseText } from "./port-in-use.js";
import { DevServerOptionsError } from "./errors.js";
import { type DevServerEvent, formatDevServerEvent } from "./events.js";
import { DEFAULT_PORT } from "./defaults.js";
import { devServerBanner, exposure } from "./internal/banner.js";
import { wholeNumberText } from "./internal/integer.js";
import { checkedOption, type DevServerOptions } from "./options.js";
import { startDevServer } from "./server.js";

const HELP = `Usage: qstash-flow-dev-server [options]

A local QStash flow-control server for development and tests.

Options:
  -p, --port <n>                 port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
      --host <host>              interface to listen on (default 127.0.0.1); any other
                                 needs --token
      --token <token>            token clients must send (default: upstream's documented
                                 local token, which is public)
      --current-signing-key <k>  key deliveries are signed with (default: the documented one)
      --next-signing-key <k>     next signing key for receivers (default: the documented one)
      --allow-destination <host> also deliver to this host (repeatable; "*.example.com", "*")
      --max-waiting <n>          waiting messages before publish answers 429 (default 10000)
      --max-keys <n>             keys before a new one is refused with 429 (default 10000)
      --max-body-bytes <n>       largest message body in bytes; larger is 413 (default 1048576)
      --global-parallelism <n>   account-wide limit on deliveries in flight (default 0: none)
      --delivery-timeout <ms>    time a delivery attempt may take without Upstash-Timeout
                                 (default 30000)
      --retry-delay-scale <f>    factor on QStash's retry delays, 0 to 1 (default 0.001:
                                 12 s becomes 12 ms; 1 waits as QStash does)
  -q, --quiet                    print no line per message
  -v, --verbose                  also print every API request
  -h, --help                     show this help
`;

function count(flag: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : checkedOption(flag, () => wholeNumberText(flag, text));
}

function factor(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(text))
    throw new DevServerOptionsError(flag, `must be a number from 0 to 1, got ${JSON.stringify(text)}`);
  return Number(text);
}

function options(argv: string[]): { server: DevServerOptions; quiet: boolean; verbose: boolean } | undefined {
  const { values, tokens } = parseArgs({
    args: argv,
    strict: true,
    tokens: true,
    options: {
      port: { type: "string", short: "p" },
      host: { type: "string" },
      token: { type: "string" },
      "current-signing-key": { type: "string" },
      "next-signing-key": { type: "string" },
      "allow-destination": { type: "string", multiple: true },
      "max-waiting": { type: "string" },
      "max-keys": { type: "string" },
      "max-body-bytes": { type: "string" },
      "global-parallelism": { type: "string" },
      "delivery-timeout": { type: "string" },
      "retry-delay-scale": { type: "string" },
      quiet: { type: "boolean", short: "q" },
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
  });
  // parseArgs keeps the last of a repeated option: refuse it instead, as the CLI does.
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.name === "allow-destination") continue;
    if (seen.has(token.name)) throw new DevServerOptionsError(`--${token.name}`, "is given twice");
    seen.add(token.name);
  }
  if (values.help) return undefined;
  const server: Record<string, unknown> = {
    port: count("--port", values.port),
    host: values.host,
    token: values.token,
    currentSigningKey: values["current-signing-key"],
    nextSigningKey: values["next-signing-key"],
    allowedDestinations: values["allow-destination"],
    maxWaitingMessages: count("--max-waiting", values["max-waiting"]),
    maxKeys: count("--max-keys", values["max-keys"]),
    maxBodyBytes: count("--max-body-bytes", values["max-body-bytes"]),
    globalParallelism: count("--global-parallelism", values["global-parallelism"]),
    deliveryTimeout: count("--delivery-timeout", values["delivery-timeout"]),
    retryDelayScale: factor("--retry-delay-scale", values["retry-delay-scale"]),
  };
  for (const name of Object.keys(server)) if (server[name] === undefined) delete server[name];
  return { server: server as DevServerOptions, quiet: values.quiet === true, verbose: values.verbose === true };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof options>;
  try {
    parsed = options(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`qstash-flow-dev-server: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (!parsed) {
    process.stdout.write(HELP);
    return 0;
  }
  const { quiet, verbose } = parsed;
  const log = (event: DevServerEvent) => {
    if (event.type === "listening" || quiet || (event.type === "request" && !verbose)) return;
    process.stdout.write(`${new Date().toISOString()} ${formatDevServerEvent(event)}\n`);
  };
  let server: Awaited<ReturnType<typeof startDevServer>>;
  try {
    server = await startDevServer({ ...parsed.server, log });
  } catch (error) {
    const port = parsed.server.port ?? DEFAULT_PORT;
    const message = isPortInUse(error) ? portInUseText(`port ${port}`, "--port") : (error as Error).message;
    if (!(error instanceof DevServerOptionsError)) {
      process.stderr.write(`qstash-flow-dev-server: ${message}\n`);
      return 1;
    }
    process.stderr.write(`qstash-flow-dev-server: ${message}\n\n${HELP}`);
    return 2;
  }
  process.stdout.write(devServerBanner(server, parsed.server.allowedDestinations));
  const warning = exposure(server, parsed.server.allowedDestinations);
  if (warning) process.stderr.write(warning);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`qstash-flow-dev-server: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
