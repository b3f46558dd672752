import { type ChildProcess, spawn } from "node:child_process";

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Kills the command (and what it started) after this many milliseconds. */
  timeout?: number;
}

export interface RunResult {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A command that exited non-zero; its message carries the output, so a failed step explains itself. */
export class CommandError extends Error {
  constructor(readonly result: RunResult) {
    super(`${result.command} exited with ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    this.name = "CommandError";
  }
}

// Each command leads its own process group, so a timeout also ends what it spawned
// (npx starts a node, changeset starts pnpm) and nothing outlives the suite.
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Runs a command to its end and reports how it went, whatever the exit code. */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const label = [command, ...args].join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${options.timeout} ms)`;
      killGroup(child);
    }, options.timeout ?? 120_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ command: label, code, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed; rejects with a `CommandError` otherwise. */
export async function runOk(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new CommandError(result);
  return result;
}

export interface Service<T> {
  /** The JSON object the service printed as its first line. */
  info: T;
  /** What it printed on stderr so far, for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts a long-running command that announces itself with one JSON line on stdout
 * (its URL, its token) and waits for that line.
 */
export function startService<T>(command: string, args: string[], options: RunOptions): Promise<Service<T>> {
  const label = [command, ...args].join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true });
    let stdout = "";
    let stderr = "";
    let announced = false;
    const exited = new Promise<void>((done) => child.once("close", () => done()));
    const stop = async () => {
      killGroup(child);
      await exited;
    };
    const fail = (reason: string) => {
      if (announced) return;
      announced = true;
      void stop();
      reject(new Error(`${label} ${reason}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
    };
    const timer = setTimeout(
      () => fail(`did not announce itself within ${options.timeout} ms`),
      options.timeout ?? 180_000,
    );
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (announced || newline === -1) return;
      clearTimeout(timer);
      try {
        const info = JSON.parse(stdout.slice(0, newline)) as T;
        announced = true;
        resolve({ info, stderr: () => stderr, stop });
      } catch {
        fail("printed something other than a JSON line first");
      }
    });
    child.on("error", (error) => fail(`could not start: ${error.message}`));
    child.on("close", (code) => {
      clearTimeout(timer);
      fail(`exited with ${code} before announcing itself`);
    });
  });
}
