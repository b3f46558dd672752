import { waitUntil } from "@qstash-flow/test-utils";
import { execFile, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0;

const EXIT_STATUS = fileURLToPath(new URL("./exit-status.mjs", import.meta.url));

function tmux(socket: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("tmux", ["-S", socket, "-f", "/dev/null", ...args], (error, stdout, stderr) =>
      error ? reject(new Error(`tmux ${args[0]} failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * One command in a real terminal of its own: a private tmux server (its own socket, so
 * nobody else's tmux is touched), a pane that stays after the command exits so that its
 * last screen can be read. The exit status comes from exit-status.mjs, not from tmux.
 */
export async function startTerminal(command: string[], env: Record<string, string>, size = { x: 120, y: 30 }) {
  const id = randomUUID();
  const socket = join(tmpdir(), `qstash-flow-cli-${id}.sock`);
  const statusFile = join(tmpdir(), `qstash-flow-cli-${id}.status`);
  const wrapped = [process.execPath, EXIT_STATUS, statusFile, ...command];
  const target = "term";
  const envArgs = Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
  await tmux(socket, [
    "new-session",
    "-d",
    "-s",
    target,
    "-x",
    String(size.x),
    "-y",
    String(size.y),
    ...envArgs,
    // exec: no shell between the terminal and the command, so Ctrl-C reaches it directly.
    `exec ${wrapped.map(quote).join(" ")}`,
    ";",
    "set-option",
    "-t",
    target,
    "remain-on-exit",
    "on",
  ]);
  const capture = () => tmux(socket, ["capture-pane", "-p", "-t", target]);
  return {
    capture,
    /** The screen with the lines scrolled off its top: a dead pane's notice can push the first line off. */
    captureAll: () => tmux(socket, ["capture-pane", "-p", "-S", "-", "-t", target]),
    /** The screen, once `predicate` holds for it. */
    async waitForScreen(predicate: (screen: string) => boolean, what: string, timeoutMs = 120_000): Promise<string> {
      let screen = "";
      await waitUntil(
        async () => {
          screen = await capture();
          return predicate(screen);
        },
        () => `the terminal to show ${what}; last screen:\n${screen}`,
        timeoutMs,
      );
      return screen;
    },
    sendKeys: (...keys: string[]) => tmux(socket, ["send-keys", "-t", target, ...keys]),
    /** The command's exit status once it has exited; rejects if a signal killed it. */
    async exitStatus(timeoutMs = 120_000): Promise<number> {
      let recorded = "";
      await waitUntil(
        async () => {
          recorded = await readFile(statusFile, "utf8").catch(() => "");
          return recorded !== "";
        },
        "the command to exit",
        timeoutMs,
      );
      const { code, signal } = JSON.parse(recorded) as { code: number | null; signal: string | null };
      if (signal) throw new Error(`the command was killed by signal ${signal}`);
      return code as number;
    },
    close: async () => {
      await tmux(socket, ["kill-server"]).catch(() => undefined);
      await rm(statusFile, { force: true });
    },
  };
}
