// The one wording for a local server whose port is taken (the dev server, `qstash-flow dev`
// and `metrics`). Here because it is the one package below all of them; no Node import, so
// a browser bundle that never calls it drops it.

/** Whether a listen failed because the address is taken. */
export function isPortInUse(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "EADDRINUSE";
}

/** `where` (e.g. `port 8080`, `127.0.0.1:9464`) is taken; `flag` is how to choose another. */
export function portInUseText(where: string, flag: string): string {
  return `${where} is in use; pick another port with ${flag}, or port 0 for any free one`;
}
