import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, startCli } from "./support/cli.js";
import { runInProcess as runCli } from "./support/in-process.js";
import { type LocalQStash, startLocalQStash, TOKEN } from "./support/qstash.js";
import { HAS_TMUX, startTerminal } from "./support/tmux.js";

let qstash: LocalQStash;

beforeAll(async () => {
  qstash = await startLocalQStash();
});

afterAll(async () => {
  await qstash.close();
});

/** The value shown on a `name  value` line of the watch screen. */
function field(screen: string, name: string): string | undefined {
  return new RegExp(`^\\s+${name}\\s+(.+?)\\s*$`, "m").exec(screen)?.[1];
}

if (!HAS_TMUX) console.warn("watch.test.ts: tmux is not installed, so the terminal test is skipped (CI installs it)");

describe("watch", () => {
  it("says what is missing or too much, and refuses an interval it cannot use in words of its own", async () => {
    const env = { QSTASH_TOKEN: TOKEN, QSTASH_URL: qstash.url };
    const neither = await runCli(["watch"], env);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain("error: missing required argument 'key' (or --prefix <prefix>)");
    const both = await runCli(["watch", "k", "--prefix", "k"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("error: give a key or --prefix, not both");
    for (const interval of ["50", "99ms", "1d", "1.5s", "fast"]) {
      const bad = await runCli(["watch", "k", "--interval", interval], env);
      expect(bad.code, interval).toBe(2);
      expect(bad.stderr).toContain('expected a duration such as "500ms", "10s", "2m", "1h", from 100ms');
    }
  });

  it.skipIf(!HAS_TMUX)("redraws a key's live state in place in a terminal and exits 0 on Ctrl-C", async () => {
    const key = "watched";
    await qstash.publish(key);
    const env = { QSTASH_URL: qstash.url, QSTASH_TOKEN: TOKEN };
    const term = await startTerminal([process.execPath, BIN, "watch", key, "--interval", "200ms"], env);
    try {
      let screen = await term.waitForScreen((s) => field(s, "state") === "active", "the key as active");
      expect(field(screen, "waitlist")).toBe("0");

      expect((await runCli(["pause", key], env)).code).toBe(0);
      for (let i = 0; i < 3; i++) await qstash.publish(key);
      screen = await term.waitForScreen((s) => field(s, "waitlist") === "3", "a waitlist of 3");
      expect(field(screen, "state")).toBe("paused");

      expect((await runCli(["resume", key], env)).code).toBe(0);
      screen = await term.waitForScreen(
        (s) => field(s, "waitlist") === "0" && field(s, "state") === "active",
        "the drained key",
      );

      // Redrawn in place: one frame on the screen, not a scrolling log of them.
      expect(screen.match(/qstash-flow watch/g)).toHaveLength(1);
      expect(screen).not.toContain(TOKEN);

      await term.sendKeys("C-c");
      expect(await term.exitStatus()).toBe(0);
    } finally {
      await term.close();
    }
  });

  it("prints one line per refresh when not a terminal, and stops cleanly on SIGINT", async () => {
    const key = "watched-plain";
    await qstash.publish(key);
    const env = { QSTASH_URL: qstash.url, QSTASH_TOKEN: TOKEN };
    const watch = startCli(["watch", key, "--interval", "100ms"], env);
    await watch.waitFor(/(waitlist=0.*\n.*){2}/);
    await runCli(["pause", key], env);
    await qstash.publish(key);
    await watch.waitFor(/state=paused waitlist=1 /);
    watch.child.kill("SIGINT");
    expect(await watch.exited).toBe(0);
    const { stdout, stderr } = watch.output();
    expect(stderr).toBe("");
    expect(stdout).not.toContain("\u001b");
    for (const line of stdout.trimEnd().split("\n")) {
      expect(line).toMatch(/^\S+Z key="watched-plain" state=(active|paused) waitlist=\d+ parallelism=\d+\/\d+ /);
    }
  });

  it("streams JSON lines with --json, keeps going while the key does not exist, and stops on SIGTERM", async () => {
    const env = { QSTASH_URL: qstash.url, QSTASH_TOKEN: TOKEN };
    const watch = startCli(["watch", "appears-later", "--interval", "100ms", "--json"], env);
    await watch.waitFor(/"problem"/);
    await qstash.publish("appears-later");
    await watch.waitFor(/"info"/);
    watch.child.kill("SIGTERM");
    expect(await watch.exited).toBe(0);
    const lines = watch
      .output()
      .stdout.trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ key: "appears-later", problem: expect.stringContaining("no such key") });
    expect(lines.at(-1)).toMatchObject({ key: "appears-later", info: { flowControlKey: "appears-later" } });
  });
});
