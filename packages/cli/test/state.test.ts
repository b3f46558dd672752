import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlowControl } from "@qstash-flow/flow-control";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { applyPlan, exportState, parseDesiredState, planDesiredState } from "../src/index.js";
import { startLoopbackServer } from "@qstash-flow/test-utils";
import { runInProcess, startInProcess } from "./support/in-process.js";
import { startProxy } from "./support/proxy.js";
import { eventually, type LocalQStash, startLocalQStash, TOKEN } from "./support/qstash.js";

let qstash: LocalQStash;
let dir: string;
let flow: FlowControl;

beforeAll(async () => {
  qstash = await startLocalQStash();
  dir = await mkdtemp(join(tmpdir(), "qstash-flow-state-"));
  flow = new FlowControl({ token: TOKEN, baseUrl: qstash.url });
});

afterAll(async () => {
  await qstash.close();
  await rm(dir, { recursive: true, force: true });
});

const env = (url = qstash.url) => ({ QSTASH_TOKEN: TOKEN, QSTASH_URL: url });
/** What a plan reads when every name in the file is listed: the list alone. */
const LIST_ONLY = { list: 1, get: 0, maxGets: 20, concurrency: 4, unchecked: 0 };
const NOTHING_TO_DO = "No changes: the live keys match the file.\nRead: 1 list, 0 gets.\n";
const cli = (args: string[], url?: string) => runInProcess(args, env(url));

let files = 0;
async function file(text: string): Promise<string> {
  const path = join(dir, `desired-${++files}.yaml`);
  await writeFile(path, text);
  return path;
}

async function planJson(
  path: string,
  url?: string,
): Promise<{ changes: Record<string, unknown>[]; unknownKeys?: string[]; reads: Record<string, number> }> {
  const result = await cli(["plan", path, "--json"], url);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe("export, plan, apply against the dev server", () => {
  it("plans nothing for its own export", async () => {
    await qstash.publish("exp/plain", "parallelism=2, rate=10, period=1m");
    await qstash.publish("exp/pinned", "parallelism=1");
    await qstash.publish("other-exp", "parallelism=1");
    expect((await cli(["pin", "exp/pinned", "--parallelism", "3", "--rate", "20", "--period", "5m"])).code).toBe(0);
    expect((await cli(["pause", "exp/paused"])).code).toBe(0);

    const exported = await cli(["export", "--prefix", "exp/"]);
    expect(exported).toMatchObject({ code: 0, stderr: "" });
    expect(exported.stdout).toMatch(/^# yaml-language-server: \$schema=/);
    expect(parseDocument(exported.stdout).toJS()).toEqual({
      keys: {
        "exp/paused": { paused: true, parallelism: "unpinned", rate: "unpinned" },
        "exp/pinned": { paused: false, parallelism: 3, rate: 20, period: "5m" },
        "exp/plain": { paused: false, parallelism: "unpinned", rate: "unpinned" },
      },
    });
    const path = await file(exported.stdout);
    expect(await planJson(path)).toEqual({ changes: [], reads: LIST_ONLY });
    expect((await cli(["plan", path])).stdout).toBe(NOTHING_TO_DO);

    // The JSON export is a desired-state file too.
    const asJson = await cli(["export", "--prefix", "exp/", "--json"]);
    expect(JSON.parse(asJson.stdout).$schema).toMatch(/desired-state\.schema\.json$/);
    expect(await planJson(await file(asJson.stdout))).toEqual({ changes: [], reads: LIST_ONLY });
  });

  it("exports a key that happens to contain the token exactly as the API sent it", async () => {
    const key = `tok/${TOKEN}/x`;
    await qstash.publish(key, "parallelism=1");
    const yaml = await cli(["export", "--prefix", "tok/"]);
    expect(yaml.code, yaml.stderr).toBe(0);
    expect(Object.keys(parseDocument(yaml.stdout).toJS().keys)).toEqual([key]);
    expect(yaml.stdout).not.toContain("[redacted]");
    const json = await cli(["export", "--prefix", "tok/", "--json"]);
    expect(Object.keys(JSON.parse(json.stdout).keys)).toEqual([key]);
    // The file plans nothing: it names the key the server has.
    expect((await planJson(await file(yaml.stdout))).changes).toEqual([]);
  });

  it("warns when it exports a key whose name ends in *", async () => {
    await qstash.publish("star*", "parallelism=1");
    const exported = await cli(["export", "--prefix", "star"]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe('warning: "star*" ends in "*", so in the file it is a pattern\n');
    const json = await cli(["export", "--prefix", "star", "--json"]);
    expect(JSON.parse(json.stderr)).toEqual({
      warning: { message: '"star*" ends in "*", so in the file it is a pattern' },
    });
  });

  it("plans exactly the edits, applies them, then plans nothing and sends nothing", async () => {
    await qstash.publish("edit/a", "parallelism=2");
    await qstash.publish("edit/b", "rate=10, period=1m");
    await qstash.publish("edit/c", "parallelism=1");
    expect((await cli(["pin", "edit/c", "--parallelism", "4"])).code).toBe(0);
    const document = parseDocument((await cli(["export", "--prefix", "edit/"])).stdout);
    document.setIn(["keys", "edit/a", "paused"], true);
    document.setIn(["keys", "edit/a", "parallelism"], 5);
    document.setIn(["keys", "edit/b", "rate"], 100);
    document.setIn(["keys", "edit/b", "period"], "1h");
    document.setIn(["keys", "edit/c", "parallelism"], "unpinned");
    const path = await file(document.toString());

    const current = { isPinnedParallelism: expect.any(Boolean) };
    expect((await planJson(path)).changes).toEqual([
      { key: "edit/a", entry: "edit/a", action: "pause" },
      {
        key: "edit/a",
        entry: "edit/a",
        action: "pin",
        parallelism: 5,
        resetsRateCount: true,
        current: expect.objectContaining({ parallelismMax: 2, isPinnedParallelism: false }),
      },
      {
        key: "edit/b",
        entry: "edit/b",
        action: "pin",
        rate: 100,
        period: 3600,
        resetsRateCount: true,
        current: expect.objectContaining({ rateMax: 10, ratePeriod: 60, isPinnedRate: false }),
      },
      {
        key: "edit/c",
        entry: "edit/c",
        action: "unpin",
        parallelism: true,
        rate: false,
        current: expect.objectContaining({ ...current, parallelismMax: 4 }),
      },
    ]);
    const text = (await cli(["plan", path])).stdout;
    expect(text).toContain("4 changes to 3 keys:");
    expect(text).toMatch(/! pin parallelism 5 \(now 2, not pinned\); resets the rate count/);
    expect(text).toMatch(/! pin rate 100 per 1h \(now 10 per 1m, not pinned\); resets the rate count/);
    expect(text).toMatch(/unpin parallelism \(now pinned at 4\)/);

    const proxy = await startProxy(qstash.url);
    try {
      const applied = await cli(["apply", path, "--yes", "--json"], proxy.url);
      expect(applied.code, applied.stderr).toBe(0);
      const report = JSON.parse(applied.stdout);
      expect(report).toMatchObject({ done: 4, failed: 0, skipped: 0 });
      expect(report.results.map((r: { status: string }) => r.status)).toEqual(["done", "done", "done", "done"]);
      expect(proxy.writes().sort()).toEqual(["pause edit/a", "pin edit/a", "pin edit/b", "unpin edit/c"]);
      expect(await flow.get("edit/a")).toMatchObject({ isPaused: true, parallelismMax: 5, isPinnedParallelism: true });
      expect(await flow.get("edit/b")).toMatchObject({ rateMax: 100, ratePeriod: 3600, isPinnedRate: true });
      expect(await flow.get("edit/c")).toMatchObject({ isPinnedParallelism: false });

      expect(await planJson(path)).toEqual({ changes: [], reads: LIST_ONLY });
      const again = await cli(["apply", path], proxy.url);
      expect(again).toMatchObject({ code: 0, stdout: NOTHING_TO_DO });
      expect(proxy.writes()).toHaveLength(4);
    } finally {
      await proxy.close();
    }
  });

  it("matches patterns by prefix: an exact name wins, then the longest pattern; other keys are untouched", async () => {
    for (const key of ["pat/a", "pat/b/x", "pat/b/y", "patter", "elsewhere"])
      await qstash.publish(key, "parallelism=1");
    const path = await file(
      [
        "keys:",
        '  "pat/*":',
        "    paused: true",
        '  "pat/b/*":',
        "    parallelism: 3",
        "  pat/b/y:",
        "    rate: 7",
        "",
      ].join("\n"),
    );
    const plan = await planJson(path);
    expect(plan.changes.map(({ key, entry, action }) => ({ key, entry, action }))).toEqual([
      { key: "pat/a", entry: "pat/*", action: "pause" },
      { key: "pat/b/x", entry: "pat/b/*", action: "pin" },
      { key: "pat/b/y", entry: "pat/b/y", action: "pin" },
    ]);
    expect(plan.changes[1]).toMatchObject({ parallelism: 3 });
    expect(plan.changes[2]).toMatchObject({ rate: 7 });
    expect((await cli(["plan", path])).stdout).toMatch(/^ {2}"pat\/a" \(by "pat\/\*"\)$/m);

    expect((await cli(["apply", path, "--yes"])).code).toBe(0);
    expect(await flow.get("pat/a")).toMatchObject({ isPaused: true });
    expect(await flow.get("pat/b/x")).toMatchObject({ isPaused: false, parallelismMax: 3 });
    expect(await flow.get("patter")).toMatchObject({ isPaused: false, isPinnedParallelism: false });
    expect(await flow.get("elsewhere")).toMatchObject({ isPaused: false, isPinnedParallelism: false });
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
    expect(await flow.get("ahead/paused")).toMatchObject({
      isPaused: true,
      parallelismMax: 2,
      isPinnedParallelism: true,
      rateMax: 5,
      ratePeriod: 60,
      isPinnedRate: true,
    });
    // The message that comes first waits, as the file said.
    await qstash.publish("ahead/paused", "parallelism=9");
    expect(await flow.get("ahead/paused")).toMatchObject({ waitListSize: 1, parallelismMax: 2 });
    expect((await planJson(path)).changes).toEqual([]);
  });

  it("reads the list and a bounded number of gets, however many names the server lacks, and says so", async () => {
    const names = Array.from({ length: 300 }, (_, i) => `many/${String(i).padStart(3, "0")}`);
    await qstash.publish("many/000", "parallelism=1");
    const path = await file(`keys:\n${names.map((name) => `  ${name}:\n    paused: false\n`).join("")}`);
    const proxy = await startProxy(qstash.url);
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
    for (const key of ["10", "010", "1000"]) await qstash.publish(key, "parallelism=1");
    const path = await file('keys:\n  010:\n    paused: true\n  "10":\n    parallelism: 4\n  1e3:\n    paused: true\n');
    const plan = await planJson(path);
    expect(plan.changes.map(({ key, action }) => `${action} ${key}`)).toEqual(["pause 010", "pin 10", "pause 1e3"]);
    expect(plan.unknownKeys).toEqual(["1e3"]);
    const proxy = await startProxy(qstash.url);
    try {
      expect((await cli(["apply", path, "--yes"], proxy.url)).code).toBe(0);
      expect(proxy.writes().sort()).toEqual(["pause 010", "pause 1e3", "pin 10"]);
    } finally {
      await proxy.close();
    }
    expect(await flow.get("1000")).toMatchObject({ isPaused: false });
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
    for (const key of keys) await qstash.publish(key, "parallelism=1");
    const path = await file('keys:\n  "cut/*":\n    paused: true\n');
    // Passes each change to the server, then never answers: the server applied it, the CLI cannot know.
    let forwarded = 0;
    const silent = await startLoopbackServer(async (request, response) => {
      const upstream = await fetch(new URL(request.rawUrl, qstash.url), {
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
      await eventually(() => forwarded === 3, "three changes to reach the server");
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

  it("goes on past a failing key, reports it and exits 1", async () => {
    for (const key of ["fail/a", "fail/b", "fail/c"]) await qstash.publish(key, "parallelism=1");
    const path = await file('keys:\n  "fail/*":\n    paused: true\n    parallelism: 4\n');
    const proxy = await startProxy(qstash.url, (path) => path === "/v2/flowControl/fail%2Fb/pause");
    try {
      const result = await cli(["apply", path, "--yes", "--concurrency", "1"], proxy.url);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toMatch(/^done {5}"fail\/a" pause/m);
      expect(result.stdout).toMatch(/^failed {3}"fail\/b" pause .*400 refused by the test proxy/m);
      // The failed key's pin would have run on a state nobody asked for.
      expect(result.stdout).toMatch(/^skipped {2}"fail\/b" pin parallelism 4/m);
      expect(result.stdout).toMatch(/^done {5}"fail\/c" pin parallelism 4/m);
      expect(result.stdout).toContain("Applied 4 of 6 changes: 1 failed, 1 skipped.");
      expect(result.stderr).toBe("error: 1 of 6 change(s) failed\n");
    } finally {
      await proxy.close();
    }
    expect(await flow.get("fail/a")).toMatchObject({ isPaused: true, parallelismMax: 4 });
    expect(await flow.get("fail/b")).toMatchObject({ isPaused: false, isPinnedParallelism: false });
    expect(await flow.get("fail/c")).toMatchObject({ isPaused: true, parallelismMax: 4 });
  });

  it("refuses to apply off a terminal without --yes: exit 2, says why, changes nothing", async () => {
    await qstash.publish("refuse/a", "parallelism=1");
    const path = await file("keys:\n  refuse/a:\n    paused: true\n");
    const proxy = await startProxy(qstash.url);
    try {
      const result = await cli(["apply", path], proxy.url);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/standard input is not a terminal.*--yes/);
      expect(result.stdout).toContain("pause");
      expect(proxy.writes()).toEqual([]);
    } finally {
      await proxy.close();
    }
    expect(await flow.get("refuse/a")).toMatchObject({ isPaused: false });
  });

  it("reports every validation error with its line, exit 2, before anything is sent", async () => {
    const path = await file(
      [
        "keys:", // 1
        "  orders/eu:", // 2
        "    paused: yes", // 3
        "    parallelism: 0", // 4
        "    colour: red", // 5
        "  billing:", // 6
        "    period: 8d", // 7
        "  reports:", // 8
        "    rate: unpinned", // 9
        "    period: 1m", // 10
        '  "..":', // 11
        "    paused: true", // 12
        "",
      ].join("\n"),
    );
    const proxy = await startProxy(qstash.url);
    try {
      for (const command of ["plan", "apply"]) {
        const result = await cli(command === "apply" ? [command, path, "--yes"] : [command, path], proxy.url);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe("");
        const lines = result.stderr.split("\n");
        expect(lines[0]).toBe(`error: ${path} is not a valid desired-state file:`);
        expect(lines).toContain(`${path}:3:13: paused must be true or false, got "yes"`);
        expect(lines).toContain(
          `${path}:4:18: parallelism must be a positive whole number (pinned to it) or "unpinned", got 0`,
        );
        expect(lines).toContain(`${path}:5:5: unknown field "colour": expected paused, parallelism, rate, period`);
        expect(lines.some((line) => line.startsWith(`${path}:7:13: period must be at most one week`))).toBe(true);
        expect(lines).toContain(`${path}:7:5: period needs a pinned rate`);
        expect(lines).toContain(`${path}:10:5: period goes with a pinned rate, not an unpinned one`);
        expect(lines.some((line) => line.startsWith(`${path}:11:3: bad key name ".."`))).toBe(true);
      }
      const syntax = await cli(
        ["plan", await file("keys:\n  a:\n    paused: true\n  a:\n    paused: false\n")],
        proxy.url,
      );
      expect(syntax.code).toBe(2);
      expect(syntax.stderr).toMatch(/:4:3: Map keys must be unique/);
      const json = await cli(["plan", await file('{\n  "keys": {\n    "a": { "pasued": true }\n  }\n}\n')], proxy.url);
      expect(json.stderr).toMatch(/:3:12: unknown field "pasued"/);
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe("the same from code", () => {
  it("parses, plans, applies with bounded concurrency, and exports", async () => {
    for (const key of ["lib/a", "lib/b", "lib/c"]) await qstash.publish(key, "parallelism=1");
    const desired = parseDesiredState('keys:\n  "lib/*":\n    rate: 30\n    period: 30s\n');
    expect(desired).toEqual({ keys: { "lib/*": { rate: 30, period: 30 } } });
    const plan = await planDesiredState(flow, desired);
    expect(plan.changes.map((change) => [change.key, change.action])).toEqual([
      ["lib/a", "pin"],
      ["lib/b", "pin"],
      ["lib/c", "pin"],
    ]);

    const stopped = new AbortController();
    stopped.abort();
    const none = await applyPlan(flow, plan, { signal: stopped.signal });
    expect(none.map((result) => result.status)).toEqual(["skipped", "skipped", "skipped"]);
    expect((await planDesiredState(flow, desired)).changes).toHaveLength(3);

    const reported: string[] = [];
    const results = await applyPlan(flow, plan, {
      concurrency: 2,
      onResult: (result) => reported.push(`${result.change.key} ${result.status}`),
    });
    expect(results.map((result) => result.status)).toEqual(["done", "done", "done"]);
    expect(reported.sort()).toEqual(["lib/a done", "lib/b done", "lib/c done"]);
    expect(await exportState(flow, { prefix: "lib/" })).toEqual({
      keys: Object.fromEntries(
        ["lib/a", "lib/b", "lib/c"].map((key) => [
          key,
          { paused: false, parallelism: "unpinned", rate: 30, period: "30s" },
        ]),
      ),
    });
    // A desired state built in code is validated like a file.
    await expect(planDesiredState(flow, { keys: { "lib/a": { period: "1w" } } })).rejects.toThrow(
      /"keys"\."lib\/a"\."period": period must be seconds or a duration/,
    );
    await expect(applyPlan(flow, plan, { concurrency: 0 })).rejects.toThrow(/concurrency must be a positive integer/);
    const text = await readFile(join(dir, "desired-1.yaml"), "utf8");
    expect(parseDesiredState(text).keys["exp/pinned"]).toEqual({
      paused: false,
      parallelism: 3,
      rate: 20,
      period: 300,
    });
  });
});
