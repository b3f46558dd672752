import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { applyPlan, exportState, parseDesiredState, planDesiredState } from "@qstash-flow/ops";
import { startProxy } from "./support/proxy.js";
import { stateFixture } from "./support/state.js";

const state = stateFixture();
const { cli, file, planJson } = state;
/** What a plan reads when every name in the file is listed: the list alone. */
const LIST_ONLY = { list: 1, get: 0, maxGets: 20, concurrency: 4, unchecked: 0 };
const NOTHING_TO_DO = "No changes: the live keys match the file.\nRead: 1 list, 0 gets.\n";

describe("export, plan, apply against the dev server", () => {
  it("plans nothing for its own export", async () => {
    await state.qstash.publish("exp/plain", "parallelism=2, rate=10, period=1m");
    await state.qstash.publish("exp/pinned", "parallelism=1");
    await state.qstash.publish("other-exp", "parallelism=1");
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

  it("warns when it exports a key whose name ends in *", async () => {
    await state.qstash.publish("star*", "parallelism=1");
    const exported = await cli(["export", "--prefix", "star"]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe('warning: "star*" ends in "*", so in the file it is a pattern\n');
    const json = await cli(["export", "--prefix", "star", "--json"]);
    expect(JSON.parse(json.stderr)).toEqual({
      warning: { message: '"star*" ends in "*", so in the file it is a pattern' },
    });
  });

  it("plans exactly the edits, applies them, then plans nothing and sends nothing", async () => {
    await state.qstash.publish("edit/a", "parallelism=2");
    await state.qstash.publish("edit/b", "rate=10, period=1m");
    await state.qstash.publish("edit/c", "parallelism=1");
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

    const proxy = await startProxy(state.qstash.url);
    try {
      const applied = await cli(["apply", path, "--yes", "--json"], proxy.url);
      expect(applied.code, applied.stderr).toBe(0);
      const report = JSON.parse(applied.stdout);
      expect(report).toMatchObject({ done: 4, failed: 0, skipped: 0 });
      expect(report.results.map((r: { status: string }) => r.status)).toEqual(["done", "done", "done", "done"]);
      expect(proxy.writes().sort()).toEqual(["pause edit/a", "pin edit/a", "pin edit/b", "unpin edit/c"]);
      expect(await state.flow.get("edit/a")).toMatchObject({
        isPaused: true,
        parallelismMax: 5,
        isPinnedParallelism: true,
      });
      expect(await state.flow.get("edit/b")).toMatchObject({ rateMax: 100, ratePeriod: 3600, isPinnedRate: true });
      expect(await state.flow.get("edit/c")).toMatchObject({ isPinnedParallelism: false });

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
      await state.qstash.publish(key, "parallelism=1");
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
    expect(await state.flow.get("pat/a")).toMatchObject({ isPaused: true });
    expect(await state.flow.get("pat/b/x")).toMatchObject({ isPaused: false, parallelismMax: 3 });
    expect(await state.flow.get("patter")).toMatchObject({ isPaused: false, isPinnedParallelism: false });
    expect(await state.flow.get("elsewhere")).toMatchObject({ isPaused: false, isPinnedParallelism: false });
  });

  it("goes on past a failing key, reports it and exits 1", async () => {
    for (const key of ["fail/a", "fail/b", "fail/c"]) await state.qstash.publish(key, "parallelism=1");
    const path = await file('keys:\n  "fail/*":\n    paused: true\n    parallelism: 4\n');
    const proxy = await startProxy(state.qstash.url, (path) => path === "/v2/flowControl/fail%2Fb/pause");
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
    expect(await state.flow.get("fail/a")).toMatchObject({ isPaused: true, parallelismMax: 4 });
    expect(await state.flow.get("fail/b")).toMatchObject({ isPaused: false, isPinnedParallelism: false });
    expect(await state.flow.get("fail/c")).toMatchObject({ isPaused: true, parallelismMax: 4 });
  });

  it("refuses to apply off a terminal without --yes: exit 2, says why, changes nothing", async () => {
    await state.qstash.publish("refuse/a", "parallelism=1");
    const path = await file("keys:\n  refuse/a:\n    paused: true\n");
    const proxy = await startProxy(state.qstash.url);
    try {
      const result = await cli(["apply", path], proxy.url);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/standard input is not a terminal.*--yes/);
      expect(result.stdout).toContain("pause");
      expect(proxy.writes()).toEqual([]);
    } finally {
      await proxy.close();
    }
    expect(await state.flow.get("refuse/a")).toMatchObject({ isPaused: false });
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
    const proxy = await startProxy(state.qstash.url);
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
    for (const key of ["lib/a", "lib/b", "lib/c"]) await state.qstash.publish(key, "parallelism=1");
    const desired = parseDesiredState('keys:\n  "lib/*":\n    rate: 30\n    period: 30s\n');
    expect(desired).toEqual({ keys: { "lib/*": { rate: 30, period: 30 } } });
    const plan = await planDesiredState(state.flow, desired);
    expect(plan.changes.map((change) => [change.key, change.action])).toEqual([
      ["lib/a", "pin"],
      ["lib/b", "pin"],
      ["lib/c", "pin"],
    ]);

    const stopped = new AbortController();
    stopped.abort();
    const none = await applyPlan(state.flow, plan, { signal: stopped.signal });
    expect(none.map((result) => result.status)).toEqual(["skipped", "skipped", "skipped"]);
    expect((await planDesiredState(state.flow, desired)).changes).toHaveLength(3);

    const reported: string[] = [];
    const results = await applyPlan(state.flow, plan, {
      concurrency: 2,
      onResult: (result) => reported.push(`${result.change.key} ${result.status}`),
    });
    expect(results.map((result) => result.status)).toEqual(["done", "done", "done"]);
    expect(reported.sort()).toEqual(["lib/a done", "lib/b done", "lib/c done"]);
    expect(await exportState(state.flow, { prefix: "lib/" })).toEqual({
      keys: Object.fromEntries(
        ["lib/a", "lib/b", "lib/c"].map((key) => [
          key,
          { paused: false, parallelism: "unpinned", rate: 30, period: "30s" },
        ]),
      ),
    });
    // A desired state built in code is validated like a file.
    await expect(planDesiredState(state.flow, { keys: { "lib/a": { period: "1w" } } })).rejects.toThrow(
      /"keys"\."lib\/a"\."period": period must be seconds or a duration/,
    );
    await expect(applyPlan(state.flow, plan, { concurrency: 0 })).rejects.toThrow(
      /concurrency must be a positive integer/,
    );
    const text = await readFile(join(state.dir, "desired-1.yaml"), "utf8");
    expect(parseDesiredState(text).keys["exp/pinned"]).toEqual({
      paused: false,
      parallelism: 3,
      rate: 20,
      period: 300,
    });
  });
});
