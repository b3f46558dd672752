import { type Command, Option } from "commander";
import type { Context } from "../internal/context.js";
import { port } from "../internal/parse.js";

interface DevFlags {
  port: number;
  json?: boolean;
}

const DEFAULT_PORT = 8080;

// TODO: a typed import once @qstash-flow/dev-server is in the workspace.
const DEV_SERVER: string = "@qstash-flow/dev-server";
interface DevServerModule {
  startDevServer(options: { port: number }): Promise<{ url: string; token: string; close(): Promise<void> }>;
}

/** Resolves when `signal` aborts; never, without one. */
function stopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    signal?.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** `dev`: a local QStash flow-control server, until Ctrl-C / SIGTERM. */
export function addDevCommand(program: Command, context: Context): void {
  const { io } = context;
  program
    .command("dev")
    .description("run a local QStash dev server (flow control and publish) until Ctrl-C")
    .addOption(new Option("--port <n>", "port on 127.0.0.1; 0 picks a free one").default(DEFAULT_PORT).argParser(port))
    .option("--json", "print the URL and token as one JSON line")
    .action(async function (this: Command) {
      const options = this.opts<DevFlags>();
      // Loaded on demand: the other commands never pay for the server.
      const { startDevServer } = (await import(DEV_SERVER)) as DevServerModule;
      const server = await startDevServer({ port: options.port });
      // The dev token is printed on purpose: it only opens this local server.
      context.secrets.splice(0, context.secrets.length, ...context.secrets.filter((s) => s !== server.token));
      try {
        if (options.json) {
          io.stdout.write(`${JSON.stringify({ url: server.url, token: server.token })}\n`);
        } else {
          io.stdout.write(
            [
              `QStash dev server listening on ${server.url}`,
              `token: ${server.token}`,
              "",
              "In another terminal:",
              `  export QSTASH_URL=${server.url} QSTASH_TOKEN=${server.token}`,
              "  qstash-flow list",
              "",
              "Ctrl-C stops it.",
              "",
            ].join("\n"),
          );
        }
        await stopped(io.signal);
      } finally {
        await server.close();
      }
      if (!options.json) io.stdout.write("dev server stopped\n");
    });
}
