import { startLoopbackServer, waitUntil } from "@qstash-flow/test-utils";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { startInProcess } from "./support/in-process.js";
import { startProxy } from "./support/proxy.js";
import { TOKEN } from "./support/qstash.js";
import { stateFixture } from "./support/state.js";

// Plan, apply and export hold to what the file and the API say: keys as written, names the
// server lacks planned like any other, bounded reads, interruptions told as they are.
const state = stateFixture();
const { cli, env, file, planJson } = state;

describe("plan, apply and export, faithful to the file and the API", () => {
  it("exports a key that happens to contain the token exactly as the API sent it", async () => {
    const key = `tok/${TOKEN}/x`;
    await state.qstash.publish(key, "parallelism=1");
    const yaml = await cli(["export", "--prefix", "tok/"]);
    expect(yaml.code, yaml.stderr).toBe(0);
    expect(Object.keys(parseDocument(yaml.stdout).toJS().keys)).toEqual([key]);
    expect(yaml.stdout).not.toContain("[redacted]");
    const json = await cli(["export", "--prefix", "tok/", "--json"]);
    expect(Object.keys(JSON.parse(json.stdout).keys)).toEqual([key]);
    // The file plans nothing: it names the key the server has.
    expect((await planJson(await file(yaml.stdout))).changes).toEqual([]);
  });
  it("plans a key named exactly but not on the server like any other: paused and pinned before its first message", async () => {
    const path = await file(
      [
        "keys:",
        "  ahead/paused:",
        "    paused: true",
        "    parallelism: 2",
        "    rate: 5",
        "    period: 1m",
        "  ahead/left-alone:",
        "    paused: false",
        "    parallelism: unpinned",
        "",
      ].join("\n"),
    );
    const plan = await planJson(path);
    expect(plan.unknownKeys).toEqual(["ahead/left-alone", "ahead/paused"]);
    expect(plan.changes).toEqual([
      { key: "ahead/paused", entry: "ahead/paused", action: "pause" },
      expect.objectContaining({ key: "ahead/paused", action: "pin", parallelism: 2, rate: 5, period: 60 }),
    ]);
    const text = (await cli(["plan", path])).stdout;
    expect(text).toContain('Not on the server yet, planned as new keys: "ahead/left-alone", "ahead/paused"');
    expect(text).toMatch(/! pin parallelism 2 \(now none\), rate 5 per 1m \(now none\); resets the rate count/);

    const applied = await cli(["apply", path, "--yes"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("Applied 2 of 2 changes: 0 failed, 0 skipped.");
    expect(await state.flow.get("ahead/paused")).toMatchObject({
      isPaused: true,
      parallelismMax: 2,
      isPinnedParallelism: true,
      rateMax: 5,
      ratePeriod: 60,
      isPinnedRate: true,
    });
    // The message that comes first waits, as the file said.
    await state.qstash.publish("ahead/paused", "parallelism=9");
    expect(await state.flow.get("ahead/paused")).toMatchObject({ waitListSize: 1, parallelismMax: 2 });
    expect((await planJson(path)).changes).toEqual([]);
  });
  it("reads the list and a bounded number of gets, however many names the server lacks, and says so", async () => {
    const names = Array.from({ length: 300 }, (_, i) => `many/${String(i).padStart(3, "0")}`);
    await state.qstash.publish("many/000", "parallelism=1");
    const path = await file(`keys:\n${names.map((name) => `  ${name}:\n    paused: false\n`).join("")}`);
    const proxy = await startProxy(state.qstash.url);
    try {
      const plan = await planJson(path, proxy.url);
      expect(plan.reads).toEqual({ list: 1, get: 20, maxGets: 20, concurrency: 4, unchecked: 279 });
      expect(plan.unknownKeys).toHaveLength(299);
      expect(plan.changes).toEqual([]);
      expect(proxy.seen.filter((entry) => entry === "GET /v2/flowControl")).toHaveLength(1);
      expect(proxy.seen.filter((entry) => entry.startsWith("GET /v2/flowControl/"))).toHaveLength(20);
      expect(proxy.maxInFlight()).toBeLessThanOrEqual(4);
      expect((await cli(["plan", path], proxy.url)).stdout).toMatch(
        /^Read: 1 list, 20 gets for names the list lacks \(at most 20, 4 at a time\); 279 more names planned as new without a get\.$/m,
      );
    } finally {
      await proxy.close();
    }
  });
  it('reads keys exactly as written: 010 is the key "010", beside "10"', async () => {
    for (const key of ["10", "010", "1000"]) await state.qstash.publish(key, "parallelism=1");
    const path = await file('keys:\n  010:\n    paused: true\n  "10":\n    parallelism: 4\n  1e3:\n    paused: true\n');
    const plan = await planJson(path);
    expect(plan.changes.map(({ key, action }) => `${action} ${key}`)).toEqual(["pause 010", "pin 10", "pause 1e3"]);
    expect(plan.unknownKeys).toEqual(["1e3"]);
    const proxy = await startProxy(state.qstash.url);
    try {
      expect((await cli(["apply", path, "--yes"], proxy.url)).code).toBe(0);
      expect(proxy.writes().sort()).toEqual(["pause 010", "pause 1e3", "pin 10"]);
    } finally {
      await proxy.close();
    }
    expect(await state.flow.get("1000")).toMatchObject({ isPaused: false });
  });
  it("gives a bad file exit 2 with its line and column, never a stack trace, also under --json", async () => {
    const reuse = [
      "keys:",
      "  base/0: &limits",
      "    parallelism: 2",
      ...Array.from({ length: 100 }, (_, i) => `  base/${i + 1}: *limits`),
      "",
    ].join("\n");
    const ok = await planJson(await file(reuse));
    expect(ok.unknownKeys).toHaveLength(101);

    const levels = ["x0: &x0 [a, a, a, a, a, a, a, a, a, a]"];
    for (let level = 1; level < 8; level++)
      levels.push(
        `x${level}: &x${level} [${Array(10)
          .fill(`*x${level - 1}`)
          .join(", ")}]`,
      );
    const bomb = await file(`keys:\n  k:\n    paused: *x7\n${levels.join("\n")}\n`);
    const text = await cli(["plan", bomb]);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/^error: .* is not a valid desired-state file:\n.*:\d+:\d+: the aliases expand/);
    expect(text.stderr).not.toMatch(/Error:| {4}at /);
    const json = await cli(["plan", bomb, "--json"]);
    expect(json.code).toBe(2);
    const { error } = JSON.parse(json.stderr);
    expect(error.name).toBe("UsageError");
    expect(error.message).toMatch(/:\d+:\d+: the aliases expand the file past/);
  });
  it("reports changes cut off by Ctrl-C as interrupted, may have been applied, and says to plan again", async () => {
    const keys = Array.from({ length: 6 }, (_, i) => `cut/${i}`);
    for (const key of keys) await state.qstash.publish(key, "parallelism=1");
    const path = await file('keys:\n  "cut/*":\n    paused: true\n');
    // Passes each change to the server, then never answers: the server applied it, the CLI cannot know.
    let forwarded = 0;
    const silent = await startLoopbackServer(async (request, response) => {
      const upstream = await fetch(new URL(request.rawUrl, state.qstash.url), {
        method: request.method,
        headers: { authorization: request.headers.authorization ?? "" },
      });
      if (request.method === "POST") {
        forwarded++;
        return;
      }
      response.setHeader("content-type", "application/json");
      response.end(await upstream.text());
    });
    try {
      const apply = startInProcess(["apply", path, "--yes", "--concurrency", "3"], env(silent.url));
      await waitUntil(() => forwarded === 3, "three changes to reach the server");
      expect(await apply.stop()).toBe(130);
      const { stdout, stderr } = apply.output();
      const lines = stdout.split("\n");
      expect(lines.filter((line) => line.startsWith('interrupted: may have been applied: "cut/'))).toHaveLength(3);
      expect(lines.filter((line) => line.startsWith('skipped  "cut/'))).toHaveLength(3);
      expect(stdout).not.toMatch(/^failed/m);
      expect(stdout).toContain("Applied 0 of 6 changes: 0 failed, 3 interrupted (may have been applied), 3 skipped.");
      expect(stdout).toContain(`run "qstash-flow plan ${path}" again to see what is left to do`);
      expect(stderr).toBe("interrupted\n");
    } finally {
      await silent.close();
    }
    // The server did apply them: a new plan shows only what is left.
    expect((await planJson(path)).changes.filter((change) => String(change.key).startsWith("cut/"))).toHaveLength(3);
  });
});
