// The one wording for a local server whose port is taken: the dev server's bin,
// `qstash-flow dev` and `qstash-flow metrics`. Here, reached through the light `/defaults`
// entry the CLI already loads, rather than in the browser-facing flow-control package.

/** Whether a listen failed because the address is taken. */
export function isPortInUse(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "EADDRINUSE";
}

/** `where` (e.g. `port 8080`, `127.0.0.1:9464`) is taken; `flag` is how to choose another. */
export function portInUseText(where: string, flag: string): string {
  return `${where} is in use; pick another port with ${flag}, or port 0 for any free one`;
}
