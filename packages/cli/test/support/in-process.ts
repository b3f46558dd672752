import { run } from "../../src/run.js";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in this process through `run()`: no terminal on stdin, only `env` as its environment. */
export async function runInProcess(args: string[], env: Record<string, string>): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}
