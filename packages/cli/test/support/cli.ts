import { waitUntil } from "@qstash-flow/test-utils";
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built bin: the tests run exactly what users install. */
export const BIN = fileURLToPath(new URL("../../bin/qstash-flow.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Far above any real run, even on a loaded machine: only a hang reaches it. */
export const HANG_GUARD_MS = 120_000;

/**
 * Runs `node dist/cli.js ...args` with only `env` (plus PATH) in its environment, so that
 * a token in the developer's shell cannot leak into a test.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: HANG_GUARD_MS },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A long-running CLI (`dev`, `watch`): its output so far, and a way to signal it and await its exit. */
export function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves with stdout once it matches `pattern`. */
    async waitFor(pattern: RegExp, timeoutMs = HANG_GUARD_MS): Promise<RegExpMatchArray> {
      const missing = () => `${pattern} in the output (exit ${child.exitCode}):\n${stdout}\n${stderr}`;
      let match: RegExpMatchArray | null = null;
      await waitUntil(
        () => {
          match = stdout.match(pattern);
          if (!match && child.exitCode !== null) throw new Error(`no ${missing()}`);
          return match !== null;
        },
        missing,
        timeoutMs,
      );
      return match as unknown as RegExpMatchArray;
    },
  };
}
