// What the bin says when it starts.
import type { DevServer } from "../server.js";
import { isLoopbackHost } from "./destination.js";

/** What to paste into an app's environment: the four variables the official SDK reads. */
export function banner(server: DevServer): string {
  return (
    `QStash flow-control dev server listening on ${server.url}\n\n` +
    `  QSTASH_URL=${server.url}\n` +
    `  QSTASH_TOKEN=${server.token}\n` +
    `  QSTASH_CURRENT_SIGNING_KEY=${server.currentSigningKey}\n` +
    `  QSTASH_NEXT_SIGNING_KEY=${server.nextSigningKey}\n\n` +
    "Deliveries go to loopback destinations only, unless --allow-destination lists the host. Ctrl-C stops.\n"
  );
}

/** The warning for a server that listens beyond loopback: what anyone who reaches it can do. */
export function exposure(server: DevServer, allowed: readonly string[] = []): string | undefined {
  if (isLoopbackHost(server.host)) return undefined;
  const hosts = allowed.map((host) => (host.trim() === "*" ? "any host" : host));
  const destinations = hosts.length > 0 ? ` and to ${hosts.join(", ")}` : "";
  return (
    `warning: listening on ${server.host}, beyond this machine. Anyone on the network who has the token can ` +
    "publish, pause, pin and read every flow-control key, and make this server send POST requests to any port " +
    `of this machine (127.0.0.1, ::1, localhost)${destinations}. Use --host 127.0.0.1 unless you need this.\n`
  );
}
