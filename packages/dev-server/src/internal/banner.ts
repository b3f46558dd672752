// What the bin says when it starts.
import type { DevServer } from "../server.js";
import { isLoopbackHost } from "./destination.js";

/**
 * What the server says when it starts (the bin and `qstash-flow dev` print it): its URL
 * and the four variables the official SDK reads, one `export` line each, ready to paste
 * into a shell or an env file, then where it delivers.
 */
export function devServerBanner(server: DevServer, allowedDestinations: readonly string[] = []): string {
  const variables = {
    QSTASH_URL: server.url,
    QSTASH_TOKEN: server.token,
    QSTASH_CURRENT_SIGNING_KEY: server.currentSigningKey,
    QSTASH_NEXT_SIGNING_KEY: server.nextSigningKey,
  };
  const also = allowedDestinations.length > 0 ? ` and to ${allowedDestinations.join(", ")}` : "";
  return (
    `QStash flow-control dev server listening on ${server.url}\n\n` +
    Object.entries(variables)
      .map(([name, value]) => `  export ${name}=${value}\n`)
      .join("") +
    `\nDeliveries go to loopback destinations only${also}. Ctrl-C stops.\n`
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
