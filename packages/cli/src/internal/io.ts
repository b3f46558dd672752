/** Where the CLI writes: `process.stdout` / `process.stderr` in the bin, buffers in tests. */
export interface CliOutput {
  write(chunk: string): unknown;
  /** A terminal: `watch` redraws in place instead of printing lines. */
  isTTY?: boolean | undefined;
  /** The terminal's width, used to keep `watch` lines from wrapping. */
  columns?: number | undefined;
  /** The terminal's height, used to keep `watch --prefix` tables on one screen. */
  rows?: number | undefined;
}

/** Everything `run` touches besides the network, so that it can run in-process. */
export interface CliIO {
  stdout: CliOutput;
  stderr: CliOutput;
  /** `QSTASH_TOKEN` and `QSTASH_URL` come from here, never from `process.env` directly. */
  env?: Record<string, string | undefined> | undefined;
  /** Where `apply` and the bulk commands read their confirmation; only a terminal is asked. */
  stdin?: (NodeJS.ReadableStream & { isTTY?: boolean | undefined }) | undefined;
  /** Aborted on Ctrl-C / SIGTERM: `watch` and `dev` stop cleanly, other calls are cancelled. */
  signal?: AbortSignal | undefined;
}

const REDACTED = "[redacted]";
// A shorter "token" is not a secret worth mangling output for (and would match everywhere).
const MIN_SECRET_LENGTH = 8;

/**
 * `output` with every spelling of `secret` cut out: the last line of defence behind the
 * client's own redaction, for echoes we cannot foresee (a server repeating a header, a
 * key that happens to contain the token).
 */
export function redacting(output: CliOutput, secrets: () => string[]): CliOutput {
  return {
    get isTTY() {
      return output.isTTY;
    },
    get columns() {
      return output.columns;
    },
    get rows() {
      return output.rows;
    },
    write(chunk: string) {
      let text = chunk;
      for (const secret of secrets()) {
        if (secret.length < MIN_SECRET_LENGTH) continue;
        for (const spelling of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
          text = text.split(spelling).join(REDACTED);
        }
      }
      return output.write(text);
    },
  };
}
