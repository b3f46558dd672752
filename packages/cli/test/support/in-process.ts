import { waitUntil } from "@qstash-flow/test-utils";
import { run } from "../../src/run.js";

/** What the CLI's stdout looks like: a pipe by default, or a terminal of some size. */
export interface Terminal {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/**
 * The CLI run in this process through `run()` (the same code the bin runs, without a
 * process start), with only `env` as its environment, buffers for its streams and an
 * abort signal for Ctrl-C: what it wrote so far, a way to wait for output, its exit code.
 * Use `runCli` only where the process itself is under test (exit codes, signals, pipes).
 */
export function startInProcess(args: string[], env: Record<string, string> = {}, terminal: Terminal = {}) {
  const controller = new AbortController();
  let stdout = "";
  let stderr = "";
  const exited = run(args, {
    stdout: { ...terminal, write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    signal: controller.signal,
  });
  let code: number | undefined;
  void exited.then((value) => {
    code = value;
  });
  return {
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves with stdout once it matches `pattern`; rejects if the command ends first (or hangs). */
    async waitFor(pattern: RegExp, hangGuardMs = 120_000): Promise<RegExpMatchArray> {
      const missing = () => `${pattern} in the output (exit ${code}):\n${stdout}\n${stderr}`;
      let match: RegExpMatchArray | null = null;
      await waitUntil(
        () => {
          match = stdout.match(pattern);
          if (!match && code !== undefined) throw new Error(`no ${missing()}`);
          return match !== null;
        },
        missing,
        hangGuardMs,
      );
      return match as unknown as RegExpMatchArray;
    },
    /** Ctrl-C, then the exit code. */
    stop(): Promise<number> {
      controller.abort(new Error("stopped by the test"));
      return exited;
    },
  };
}

/** A command that ends by itself: its exit code and output. */
export async function runInProcess(args: string[], env: Record<string, string> = {}, terminal: Terminal = {}) {
  const cli = startInProcess(args, env, terminal);
  const code = await cli.exited;
  return { code, ...cli.output() };
}
