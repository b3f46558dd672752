import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./support/cli.js";
import { runInProcess, startInProcess } from "./support/in-process.js";
import { OBSERVED_TOKEN, type ObservedQStash, startObservedQStash } from "./support/observed.js";
import { HAS_TMUX, startTerminal } from "./support/tmux.js";

let qstash: ObservedQStash;

beforeAll(async () => {
  qstash = await startObservedQStash();
});

afterAll(async () => {
  await qstash.close();
});

/** The value shown on a `name  value` line of the watch screen. */
function field(screen: string, name: string): string | undefined {
  return new RegExp(`^\\s+${name}\\s+(.+?)\\s*$`, "m").exec(screen)?.[1];
}

/** The table rows of `watch --prefix` whose key starts with `prefix`, as cells. */
function rows(screen: string, prefix: string): string[][] {
  return screen
    .split("\n")
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.trim().split(/\s{2,}/));
}

if (!HAS_TMUX) console.warn("watch-trends.test.ts: tmux is not installed, so the terminal tests are skipped");

describe("watch trends in a terminal", () => {
  it.skipIf(!HAS_TMUX)("shows the waitlist's sparkline, the delivery rate and the time to drain", async () => {
    const key = "t-drain";
    await qstash.client.pause(key);
    // One delivery per second: the drain takes many refreshes, so the estimate shows.
    await qstash.publish(key, "rate=1, period=1s", 8);
    const term = await startTerminal([process.execPath, BIN, "watch", key, "--interval", "200ms"], qstash.env);
    try {
      let screen = await term.waitForScreen((s) => field(s, "waitlist") === "8", "a waitlist of 8");
      expect(field(screen, "waitlist trend")).toMatch(/^█+$/);
      expect(field(screen, "time to drain")).toBe("-");

      await qstash.client.resume(key);
      screen = await term.waitForScreen(
        (s) =>
          /^~\d+s$/.test(field(s, "time to drain") ?? "") && /^(?!0\.0)[\d.]+\/s/.test(field(s, "delivery rate") ?? ""),
        "a drain estimate and a delivery rate",
      );
      // The sparkline falls as the waitlist drains.
      expect(field(screen, "waitlist trend")).toMatch(/^█+[▁▂▃▄▅▆▇]+$/);
      expect(screen.match(/qstash-flow watch/g)).toHaveLength(1);
      expect(screen).not.toContain(OBSERVED_TOKEN);

      await term.sendKeys("C-c");
      expect(await term.exitStatus()).toBe(0);
    } finally {
      await term.close();
    }
  });

  it.skipIf(!HAS_TMUX)(
    "`--prefix` redraws a table in place, sorted by waitlist and clipped to the terminal",
    async () => {
      for (let i = 0; i < 10; i++) {
        await qstash.client.pause(`tbl-${i}`);
        if (i > 0) await qstash.publish(`tbl-${i}`, "parallelism=1", i);
      }
      const term = await startTerminal(
        [process.execPath, BIN, "watch", "--prefix", "tbl-", "--interval", "200ms"],
        qstash.env,
        { x: 120, y: 10 },
      );
      try {
        let screen = await term.waitForScreen((s) => rows(s, "tbl-")[0]?.[0] === "tbl-9", "tbl-9 on top");
        expect(screen).toMatch(/^KEY\s+STATE\s+WAITLIST\s+TREND\s+PARALLELISM\s+RATE\s+DELIVERIES\s+DRAIN$/m);
        // 10 rows of terminal: header, blank, table header, 5 keys and the "more" line.
        expect(rows(screen, "tbl-").map(([key, state, waitlist]) => [key, state, waitlist])).toEqual(
          [9, 8, 7, 6, 5].map((i) => [`tbl-${i}`, "paused", String(i)]),
        );
        expect(screen).toContain("... 5 more (sorted by waitlist");
        expect(screen).toContain("10 keys");

        // A key whose waitlist overtakes the others moves to the top.
        await qstash.publish("tbl-0", "parallelism=1", 12);
        screen = await term.waitForScreen((s) => rows(s, "tbl-")[0]?.[2] === "12", "tbl-0 on top with 12");
        expect(rows(screen, "tbl-")[0]?.slice(0, 3)).toEqual(["tbl-0", "paused", "12"]);
        expect(screen.match(/qstash-flow watch --prefix/g)).toHaveLength(1);

        await term.sendKeys("C-c");
        expect(await term.exitStatus()).toBe(0);
      } finally {
        await term.close();
      }
    },
  );
});

describe("watch --prefix when piped", () => {
  it("prints one line per key and refresh, with the trend's numbers", async () => {
    await qstash.client.pause("pp-a");
    await qstash.publish("pp-a", "parallelism=1", 2);
    await qstash.publish("pp-b", "parallelism=1");
    const watch = startInProcess(["watch", "--prefix", "pp-", "--interval", "100ms"], qstash.env);
    await watch.waitFor(/(key="pp-b".*\n[\s\S]*){2}/);
    expect(await watch.stop()).toBe(0);
    const lines = watch.output().stdout.trimEnd().split("\n");
    for (const line of lines) {
      expect(line).toMatch(/^\S+Z key="pp-[ab]" state=(active|paused) waitlist=\d+ .* delivery_rate=\S+ drain=\S+$/);
    }
    // Sorted by waitlist within each refresh: pp-a (2 waiting) before pp-b.
    expect(lines[0]).toMatch(/key="pp-a" state=paused waitlist=2 /);
  });

  it("prints JSON lines with --json, and wants a key or --prefix, not both", async () => {
    const watch = startInProcess(["watch", "--prefix", "pp-a", "--interval", "100ms", "--json"], qstash.env);
    await watch.waitFor(/("key":"pp-a"[\s\S]*){2}/);
    expect(await watch.stop()).toBe(0);
    const [first, second] = watch
      .output()
      .stdout.trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(first).toMatchObject({
      key: "pp-a",
      info: { waitListSize: 2 },
      trend: { deliveryRate: null, drainSeconds: null },
    });
    expect(second).toMatchObject({ key: "pp-a", trend: { deliveryRate: 0, drainSeconds: null } });

    for (const [args, message] of [
      [["watch", "pp-a", "--prefix", "pp-"], "error: give a key or --prefix, not both"],
      [["watch"], "error: missing required argument 'key' (or --prefix <prefix>)"],
    ] as const) {
      const { code, stderr } = await runInProcess([...args], qstash.env);
      expect(code).toBe(2);
      expect(stderr).toContain(message);
    }
  });
});
