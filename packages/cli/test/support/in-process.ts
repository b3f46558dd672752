import { run } from "../../src/run.js";

/**
 * The CLI run in this process through `run()`, with buffers for streams and an abort
 * signal for Ctrl-C: what it wrote so far, a way to wait for output, and its exit code.
 */
export function startInProcess(args: string[], env: Record<string, string>, tty = false) {
  const controller = new AbortController();
  let stdout = "";
  let stderr = "";
  const exited = run(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: tty, columns: 200, rows: 40 },
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
    /** Resolves with stdout once it matches `pattern`; rejects if the command ends first. */
    async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = stdout.match(pattern);
        if (match) return match;
        if (code !== undefined || Date.now() > deadline) {
          throw new Error(`no ${pattern} in output (exit ${code}):\n${stdout}\n${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    /** Ctrl-C, then the exit code. */
    stop(): Promise<number> {
      controller.abort(new Error("stopped by the test"));
      return exited;
    },
  };
}

/** A command that ends by itself: its exit code and output. */
export async function runInProcess(args: string[], env: Record<string, string>) {
  const cli = startInProcess(args, env);
  const code = await cli.exited;
  return { code, ...cli.output() };
}
