import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Every failure of generation or an update: `code` says which kind, `file` (and `line`,
 * `ref` where known) say where. Nothing is written after one.
 *   SPEC_CONFIG     openapi/surface.yaml or sources.yaml is wrong
 *   SPEC_SOURCE     a source cannot be read or holds no OpenAPI document
 *   SPEC_PARSE      a file is not valid YAML (line and column given)
 *   SPEC_LINT       the project's Redocly rules fail inside the selection (unresolvable $refs too)
 *   SPEC_SELECTION  the selection matches nothing, or an entry of it matches nothing
 *   SPEC_CONFLICT   the specs cannot be merged as declared
 */
export class SpecError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{ file?: string, line?: number, ref?: string, cause?: unknown }} [where]
   */
  constructor(code, message, { file, line, ref, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "SpecError";
    this.code = code;
    this.file = file;
    this.line = line;
    this.ref = ref;
  }
}

/**
 * Runs a command when `moduleUrl` is the script node started: `run` returns the exit code;
 * a failure prints `heading`, then "CODE: message" (a stack for what is not a SpecError), and exits 1.
 */
export async function main(moduleUrl, heading, run) {
  if (!process.argv[1] || resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  try {
    process.exitCode = await run();
  } catch (error) {
    const known = error instanceof SpecError;
    console.error(`${heading}${known ? `${error.code}: ${error.message}` : /** @type {Error} */ (error).stack}`);
    process.exitCode = 1;
  }
}
