import type { DevServer, DevServerEvent } from "@qstash-flow/dev-server";
// The defaults alone: the server itself is loaded only when `dev` runs.
import { DEFAULT_PORT, isPortInUse, portInUseText } from "@qstash-flow/dev-server/defaults";
import { type Command, Option } from "commander";
import type { Context } from "../internal/context.js";
import { CommandFailure } from "../internal/errors.js";
import { port } from "../internal/parse.js";
import { waitForAbort } from "../internal/wait-for-abort.js";

interface DevFlags {
  port: number;
  quiet?: boolean;
  json?: boolean;
}

/** `dev`: a local QStash flow-control server, until Ctrl-C / SIGTERM. */
export function addDevCommand(program: Command, context: Context): void {
  const { io } = context;
  program
    .command("dev")
    .description("run a local QStash dev server (flow control and publish) until Ctrl-C")
    .addOption(new Option("--port <n>", "port on 127.0.0.1; 0 picks a free one").default(DEFAULT_PORT).argParser(port))
    .option("--quiet", "print no line per message")
    .option("--json", "print the URL, token and signing keys, then every event, as JSON lines")
    .action(async function (this: Command) {
      const options = this.opts<DevFlags>();
      // Loaded on demand: the other commands never pay for the server.
      const { startDevServer, formatDevServerEvent, devServerBanner } = await import("@qstash-flow/dev-server");
      const log = (event: DevServerEvent) => {
        // API calls are noise next to the messages; the listening line is the banner.
        if (options.quiet || event.type === "listening" || event.type === "request") return;
        io.stdout.write(
          options.json
            ? `${JSON.stringify({ at: new Date().toISOString(), ...event })}\n`
            : `${new Date().toISOString()} ${formatDevServerEvent(event)}\n`,
        );
      };
      let server: DevServer;
      try {
        server = await startDevServer({ port: options.port, log });
      } catch (error) {
        if (isPortInUse(error)) throw new CommandFailure(portInUseText(`port ${options.port}`, "--port"));
        throw error;
      }
      // The dev credentials are printed on purpose: they are public and open only this local server.
      const printed = [server.token, server.currentSigningKey, server.nextSigningKey];
      const others = context.secrets.filter((secret) => !printed.includes(secret));
      context.secrets.splice(0, context.secrets.length, ...others);
      try {
        io.stdout.write(
          options.json
            ? `${JSON.stringify({
                url: server.url,
                token: server.token,
                currentSigningKey: server.currentSigningKey,
                nextSigningKey: server.nextSigningKey,
              })}\n`
            : devServerBanner(server),
        );
        await waitForAbort(io.signal);
      } finally {
        await server.close();
      }
      if (!options.json) io.stdout.write("dev server stopped\n");
    });
}
