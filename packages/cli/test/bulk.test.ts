import { FlowControl } from "@qstash-flow/flow-control";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "./support/in-process.js";
import { type RecordingProxy, startProxy } from "./support/proxy.js";
import { type LocalQStash, startLocalQStash, TOKEN } from "./support/qstash.js";

let qstash: LocalQStash;
let flow: FlowControl;

beforeAll(async () => {
  qstash = await startLocalQStash();
  flow = new FlowControl({ token: TOKEN, baseUrl: qstash.url });
});

afterAll(async () => {
  await qstash.close();
});

/** The CLI through a recording proxy, which refuses the paths `fails` names. */
async function through<T>(
  fails: (path: string) => boolean,
  body: (proxy: RecordingProxy, cli: (...args: string[]) => ReturnType<typeof runInProcess>) => Promise<T>,
  gate = 1,
) {
  const proxy = await startProxy(qstash.url, fails, gate);
  try {
    return await body(proxy, (...args) => runInProcess(args, { QSTASH_TOKEN: TOKEN, QSTASH_URL: proxy.url }));
  } finally {
    await proxy.close();
  }
}

const never = () => false;

describe("bulk actions with --prefix / --all", () => {
  it("pause --prefix pauses exactly the matching keys, one request each after one list", async () => {
    for (const key of ["bulk/a", "bulk/b", "bulk/c", "bulkier", "other"]) await qstash.publish(key, "parallelism=1");
    await through(never, async (proxy, cli) => {
      const result = await cli("pause", "--prefix", "bulk/", "--yes");
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('3 key(s) with the prefix "bulk/":\n  "bulk/a"\n  "bulk/b"\n  "bulk/c"\n');
      expect(result.stdout).toMatch(/^"bulk\/b" paused\.$/m);
      expect(result.stdout).toContain("Done: paused 3 of 3 key(s), 0 failed.\n");
      expect(proxy.seen[0]).toBe("GET /v2/flowControl");
      expect(proxy.seen).toHaveLength(4);
      expect(proxy.writes().sort()).toEqual(["pause bulk/a", "pause bulk/b", "pause bulk/c"]);
    });
    for (const key of ["bulk/a", "bulk/b", "bulk/c"]) expect(await flow.get(key)).toMatchObject({ isPaused: true });
    for (const key of ["bulkier", "other"]) expect(await flow.get(key)).toMatchObject({ isPaused: false });
  });

  it("pin and unpin --prefix print the values on each key's line, as for a single key", async () => {
    for (const key of ["vals/a", "vals/b"]) await qstash.publish(key, "parallelism=1");
    await through(never, async (_, cli) => {
      const single = await cli("pin", "vals/a", "--parallelism", "2", "--rate", "5", "--period", "1m");
      expect(single.stdout).toBe('"vals/a" pinned: parallelism 2, rate 5, period 1m.\n');
      const pinned = await cli(
        "pin",
        "--prefix",
        "vals/",
        "--parallelism",
        "2",
        "--rate",
        "5",
        "--period",
        "1m",
        "--yes",
      );
      expect(pinned.code, pinned.stderr).toBe(0);
      for (const key of ["vals/a", "vals/b"]) {
        expect(pinned.stdout).toContain(`"${key}" pinned: parallelism 2, rate 5, period 1m.\n`);
      }
      expect(pinned.stdout).toContain("Done: pinned 2 of 2 key(s), 0 failed.\n");
      const unpinned = await cli("unpin", "--prefix", "vals/", "--parallelism", "--rate", "--yes");
      expect(unpinned.stdout).toContain('"vals/b" unpinned: parallelism and rate.\n');
      expect((await cli("unpin", "vals/a", "--rate")).stdout).toBe('"vals/a" unpinned: rate.\n');
    });
  });

  it("sends nothing past the list when no key matches", async () => {
    await through(never, async (proxy, cli) => {
      const result = await cli("resume", "--prefix", "no-such-prefix/");
      expect(result).toMatchObject({ code: 0, stdout: 'No keys with the prefix "no-such-prefix/": nothing to do.\n' });
      const json = await cli("pin", "--prefix", "no-such-prefix/", "--rate", "3", "--json");
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, operation: "pin", matched: 0, results: [] });
      expect(proxy.seen).toEqual(["GET /v2/flowControl", "GET /v2/flowControl"]);
    });
  });

  it("goes on past a failing key, reports each key and the total, exits 1", async () => {
    for (const key of ["pinbulk/a", "pinbulk/b", "pinbulk/c"]) await qstash.publish(key, "parallelism=1");
    await through(
      (path) => path === "/v2/flowControl/pinbulk%2Fb/pin",
      async (proxy, cli) => {
        const result = await cli("pin", "--prefix", "pinbulk/", "--parallelism", "6", "--yes", "--json");
        expect(result.code).toBe(1);
        // With --json and --yes stdout is one JSON document and stderr the JSON error alone.
        expect(JSON.parse(result.stderr)).toEqual({
          error: { name: "CommandFailure", message: "1 of 3 key(s) failed", status: null, operation: null, key: null },
        });
        expect(JSON.parse(result.stdout)).toEqual({
          ok: false,
          operation: "pin",
          prefix: "pinbulk/",
          pinned: { parallelism: 6 },
          matched: 3,
          done: 2,
          failed: 1,
          results: [
            { key: "pinbulk/a", ok: true },
            { key: "pinbulk/b", ok: false, error: expect.stringContaining("400 refused by the test proxy") },
            { key: "pinbulk/c", ok: true },
          ],
        });
        expect(proxy.writes()).toHaveLength(3);
      },
    );
    expect(await flow.get("pinbulk/a")).toMatchObject({ parallelismMax: 6, isPinnedParallelism: true });
    expect(await flow.get("pinbulk/b")).toMatchObject({ isPinnedParallelism: false });
    expect(await flow.get("pinbulk/c")).toMatchObject({ parallelismMax: 6, isPinnedParallelism: true });
  });

  it("keeps to --concurrency", async () => {
    const keys = Array.from({ length: 6 }, (_, i) => `conc/${i}`);
    for (const key of keys) await qstash.publish(key, "parallelism=1");
    // Calls are held in pairs, so two run at once whenever the CLI allows two, and more would show.
    await through(
      never,
      async (proxy, cli) => {
        const result = await cli("reset-rate", "--prefix", "conc/", "--yes", "--concurrency", "2");
        expect(result.code, result.stderr).toBe(0);
        expect(proxy.writes()).toHaveLength(6);
        expect(proxy.maxInFlight()).toBe(2);
      },
      2,
    );
  });

  it("--all acts on every key; unpin takes its flags", async () => {
    await through(never, async (proxy, cli) => {
      const listed = (await flow.list()).length;
      const result = await cli("unpin", "--all", "--parallelism", "--yes");
      expect(result.code, result.stderr).toBe(0);
      expect(proxy.writes()).toHaveLength(listed);
      expect(new Set(proxy.writes().map((write) => write.split(" ")[0]))).toEqual(new Set(["unpin"]));
    });
    expect((await flow.list()).some((info) => info.isPinnedParallelism)).toBe(false);
  });

  it("refuses off a terminal without --yes, and refuses a key together with --prefix; nothing is changed", async () => {
    await qstash.publish("refused/a", "parallelism=1");
    await through(never, async (proxy, cli) => {
      const refused = await cli("pause", "--prefix", "refused/");
      expect(refused.code).toBe(2);
      expect(refused.stdout).toContain('"refused/a"');
      expect(refused.stderr).toMatch(/not a terminal.*--yes/);
      for (const args of [
        ["pause", "refused/a", "--prefix", "refused/"],
        ["pause"],
        ["pause", "--prefix", ""],
        ["pause", "--prefix", "a", "--all"],
      ]) {
        expect((await cli(...args)).code).toBe(2);
      }
      expect(proxy.writes()).toEqual([]);
    });
    expect(await flow.get("refused/a")).toMatchObject({ isPaused: false });
  });

  it("refuses --yes and --concurrency on a single key, where they would mean nothing; nothing is sent", async () => {
    await through(never, async (proxy, cli) => {
      const cases: [string[], string][] = [
        [["pause", "billing", "--concurrency", "3"], "--concurrency only applies with --prefix or --all"],
        [["resume", "billing", "--yes"], "--yes only applies with --prefix or --all"],
        [["pin", "billing", "--rate", "2", "--yes", "--concurrency", "2"], "--yes and --concurrency only apply"],
      ];
      for (const [args, message] of cases) {
        const result = await cli(...args);
        expect(result.code, args.join(" ")).toBe(2);
        expect(result.stderr).toContain(`error: ${message}`);
      }
      expect(proxy.seen).toEqual([]);
    });
  });
});
