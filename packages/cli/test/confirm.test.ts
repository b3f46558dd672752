import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlowControl } from "@qstash-flow/flow-control";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./support/cli.js";
import { type LocalQStash, startLocalQStash, TOKEN } from "./support/qstash.js";
import { HAS_TMUX, startTerminal } from "./support/tmux.js";

let qstash: LocalQStash;
let dir: string;
let flow: FlowControl;

beforeAll(async () => {
  qstash = await startLocalQStash();
  dir = await mkdtemp(join(tmpdir(), "qstash-flow-confirm-"));
  flow = new FlowControl({ token: TOKEN, baseUrl: qstash.url });
});

afterAll(async () => {
  await qstash.close();
  await rm(dir, { recursive: true, force: true });
});

if (!HAS_TMUX)
  console.warn("confirm.test.ts: tmux is not installed, so the terminal tests are skipped (CI installs it)");

/** `qstash-flow ...args` in a terminal of its own; `answer` is typed at the prompt. */
async function answering(args: string[], answer: string): Promise<{ screen: string; code: number }> {
  const term = await startTerminal([process.execPath, BIN, ...args], { QSTASH_URL: qstash.url, QSTASH_TOKEN: TOKEN });
  try {
    await term.waitForScreen((screen) => /\? .*\(y\/N\)/.test(screen), "the confirmation prompt");
    await term.sendKeys(answer, "Enter");
    const code = await term.exitStatus();
    return { screen: await term.captureAll(), code };
  } finally {
    await term.close();
  }
}

describe.skipIf(!HAS_TMUX)("confirmation on a terminal", () => {
  it("apply shows the plan, asks, and applies on yes", async () => {
    await qstash.publish("tty/yes", "parallelism=1");
    const file = join(dir, "yes.yaml");
    await writeFile(file, "keys:\n  tty/yes:\n    paused: true\n    parallelism: 2\n");
    const { screen, code } = await answering(["apply", file], "y");
    expect(screen).toContain("2 changes to 1 key:");
    expect(screen).toMatch(/Apply 2 change\(s\)\? Yes/);
    expect(screen).toContain("Applied 2 of 2 changes: 0 failed, 0 skipped.");
    expect(code).toBe(0);
    expect(await flow.get("tty/yes")).toMatchObject({ isPaused: true, parallelismMax: 2, isPinnedParallelism: true });
  });

  it("apply changes nothing on no, and exits 1", async () => {
    await qstash.publish("tty/no", "parallelism=1");
    const file = join(dir, "no.yaml");
    await writeFile(file, "keys:\n  tty/no:\n    paused: true\n");
    const { screen, code } = await answering(["apply", file], "n");
    expect(screen).toContain("error: not confirmed: nothing was changed");
    expect(code).toBe(1);
    expect(await flow.get("tty/no")).toMatchObject({ isPaused: false });
  });

  it("a bulk pause lists the keys and asks first", async () => {
    for (const key of ["ttybulk/a", "ttybulk/b"]) await qstash.publish(key, "parallelism=1");
    const { screen, code } = await answering(["pause", "--prefix", "ttybulk/"], "y");
    expect(screen).toContain('2 key(s) with the prefix "ttybulk/":');
    expect(screen).toMatch(/Pause 2 key\(s\)\? Yes/);
    expect(code).toBe(0);
    for (const key of ["ttybulk/a", "ttybulk/b"]) expect(await flow.get(key)).toMatchObject({ isPaused: true });
  });
});
