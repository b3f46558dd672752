import type { FlowControlInfo } from "@qstash-flow/flow-control";
import { startLoopbackServer, waitUntil } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess } from "./support/in-process.js";
import { OBSERVED_TOKEN, type ObservedQStash, startObservedQStash } from "./support/observed.js";
import { type Scrape, scrape } from "@qstash-flow/test-utils/prometheus";

let qstash: ObservedQStash;

beforeAll(async () => {
  qstash = await startObservedQStash();
});

afterAll(async () => {
  await qstash.close();
});

/** `metrics` in-process on a free loopback port: its URL once it serves. */
async function startMetrics(args: string[], env: Record<string, string> = qstash.env) {
  const cli = startInProcess(["metrics", "--listen", "127.0.0.1:0", ...args], env);
  const [, url] = (await cli.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/metrics),/)) as RegExpMatchArray;
  return { cli, url: url as string };
}

/** Scrapes until `check` holds for a scrape; the metrics come from a poll in the background. */
async function scrapeUntil(url: string, check: (s: Scrape) => boolean, what: string): Promise<Scrape> {
  let last: Scrape | undefined;
  await waitUntil(async () => {
    last = await scrape(url);
    return check(last);
  }, what);
  return last as Scrape;
}

const polled = (s: Scrape) => s.value("qstash_flow_control_last_poll_timestamp_seconds") !== undefined;

function expectKey(s: Scrape, info: FlowControlInfo): void {
  const key = { key: info.flowControlKey };
  expect({
    waitlist: s.value("qstash_flow_control_waitlist_size", key),
    parallelismCount: s.value("qstash_flow_control_parallelism_in_flight", key),
    parallelismMax: s.value("qstash_flow_control_parallelism_max", key),
    rateCount: s.value("qstash_flow_control_rate_used", key),
    rateMax: s.value("qstash_flow_control_rate_max", key),
    ratePeriod: s.value("qstash_flow_control_rate_period_seconds", key),
    paused: s.value("qstash_flow_control_paused", key),
    pinnedParallelism: s.value("qstash_flow_control_pinned", { ...key, limit: "parallelism" }),
    pinnedRate: s.value("qstash_flow_control_pinned", { ...key, limit: "rate" }),
  }).toEqual({
    waitlist: info.waitListSize,
    parallelismCount: info.parallelismCount,
    parallelismMax: info.parallelismMax,
    rateCount: info.rateCount,
    rateMax: info.rateMax,
    ratePeriod: info.ratePeriod,
    paused: info.isPaused ? 1 : 0,
    pinnedParallelism: info.isPinnedParallelism ? 1 : 0,
    pinnedRate: info.isPinnedRate ? 1 : 0,
  });
}

describe("qstash-flow metrics", () => {
  it("serves what `get` gives, for keys of any spelling, and polls once however often it is scraped", async () => {
    const weird = 'm-we"ird\\key 🎉 ключ';
    await qstash.client.pause("m-paused");
    await qstash.publish("m-paused", "parallelism=2, rate=5, period=1m", 3);
    await qstash.client.pin("m-pinned", { parallelism: 3 });
    await qstash.client.pause(weird);
    // Slots held by calls that never finish: the state stays put while we compare (a
    // long rate period, so that its count is not reset by a new period either).
    await qstash.publish("m-stuck", "parallelism=1, rate=100, period=1h", 3, { hang: true });
    await waitUntil(async () => (await qstash.client.get("m-stuck")).waitListSize === 2, "m-stuck to hold its slot");
    await qstash.publish("other", "parallelism=1");
    // Only the hanging delivery in flight, so that the global count holds still too.
    let global = await qstash.client.getGlobalParallelism();
    await waitUntil(async () => {
      global = await qstash.client.getGlobalParallelism();
      return global.parallelismCount === 1;
    }, "one delivery in flight");

    const lists = qstash.served("list");
    const globals = qstash.served("globalParallelism");
    const { cli, url } = await startMetrics(["--interval", "1h", "--prefix", "m-"]);
    try {
      const first = await scrapeUntil(url, polled, "the first poll");
      expect(first.status).toBe(200);
      expect(first.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const key of ["m-paused", "m-pinned", "m-stuck", weird]) expectKey(first, await qstash.client.get(key));
      expect(first.labelValues("qstash_flow_control_waitlist_size", "key").sort()).toEqual(
        ["m-paused", "m-pinned", "m-stuck", weird].sort(),
      );
      expect(first.value("qstash_flow_control_keys")).toBe(4);
      expect(first.value("qstash_flow_control_keys_omitted")).toBe(0);
      expect(first.value("qstash_flow_control_poll_errors_total")).toBe(0);
      expect(first.value("qstash_global_parallelism_max")).toBe(global.parallelismMax);
      expect(first.value("qstash_global_parallelism_in_flight")).toBe(global.parallelismCount);

      const scrapes = await Promise.all(Array.from({ length: 25 }, () => scrape(url)));
      expect(scrapes.every((s) => s.text === first.text)).toBe(true);
      expect([qstash.served("list") - lists, qstash.served("globalParallelism") - globals]).toEqual([1, 1]);
      for (const s of scrapes) expect(s.text).not.toContain(OBSERVED_TOKEN);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
    expect(cli.output().stdout).toMatch(/metrics server stopped\n$/);
    expect(JSON.stringify(cli.output())).not.toContain(OBSERVED_TOKEN);
  });

  it("keeps serving the last good values when the API goes away, and counts the failed polls", async () => {
    const api = await startObservedQStash();
    await api.client.pause("kept");
    await api.publish("kept", "parallelism=1", 2);
    const { cli, url } = await startMetrics(["--interval", "1s"], api.env);
    try {
      const before = await scrapeUntil(url, polled, "the first poll");
      expect(before.value("qstash_flow_control_waitlist_size", { key: "kept" })).toBe(2);
      await api.close();
      const after = await scrapeUntil(
        url,
        (s) => (s.value("qstash_flow_control_poll_errors_total") ?? 0) >= 2,
        "two failed polls",
      );
      expect(after.value("qstash_flow_control_waitlist_size", { key: "kept" })).toBe(2);
      expect(after.value("qstash_flow_control_last_poll_timestamp_seconds")).toBe(
        before.value("qstash_flow_control_last_poll_timestamp_seconds"),
      );
    } finally {
      expect(await cli.stop()).toBe(0);
    }
    const { stderr } = cli.output();
    expect(stderr).toMatch(/poll failed; serving the last good values\. error: QStash list .*failed/);
    expect(stderr).not.toContain(OBSERVED_TOKEN);
  });

  it("serves from the start when the API cannot be reached at all, without inventing values", async () => {
    const gone = await startLoopbackServer(() => undefined);
    await gone.close();
    const { cli, url } = await startMetrics(["--interval", "1s"], {
      QSTASH_URL: gone.url,
      QSTASH_TOKEN: OBSERVED_TOKEN,
    });
    try {
      const s = await scrapeUntil(
        url,
        (s) => (s.value("qstash_flow_control_poll_errors_total") ?? 0) >= 1,
        "a failed poll",
      );
      expect(s.status).toBe(200);
      for (const name of [
        "qstash_global_parallelism_max",
        "qstash_flow_control_keys",
        "qstash_flow_control_last_poll_timestamp_seconds",
      ]) {
        expect(s.families.has(name), name).toBe(false);
      }
      // Known without a poll, so that an alert can tell how late the last good one is.
      expect(s.value("qstash_flow_control_poll_interval_seconds")).toBe(1);
      expect((await fetch(url.replace("/metrics", "/"))).status).toBe(404);
      expect((await fetch(url, { method: "POST" })).status).toBe(405);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it("bounds each poll with --timeout and --retries, or their environment variables, and counts the failure", async () => {
    const hung = await startLoopbackServer(() => undefined);
    const env = { QSTASH_URL: hung.url, QSTASH_TOKEN: OBSERVED_TOKEN };
    try {
      // An hour between polls: without the flags, a poll would wait as long for its answer.
      const cases: [string[], Record<string, string>, string][] = [
        [["--timeout", "1s", "--retries", "0"], {}, "no response within 1000 ms (1 attempt)"],
        [[], { QSTASH_FLOW_TIMEOUT: "500ms", QSTASH_FLOW_RETRIES: "1" }, "no response within 500 ms (2 attempts)"],
      ];
      for (const [flags, extra, message] of cases) {
        const { cli, url } = await startMetrics(["--interval", "1h", ...flags], { ...env, ...extra });
        try {
          await waitUntil(() => cli.output().stderr.includes("poll failed"), "a failed poll");
          expect(cli.output().stderr).toContain(message);
          const s = await scrape(url);
          expect(s.value("qstash_flow_control_poll_errors_total")).toBe(1);
        } finally {
          expect(await cli.stop()).toBe(0);
        }
      }
    } finally {
      await hung.close();
    }
  });

  it("takes --interval as a duration with a unit, at least 1s, and says so when refused", async () => {
    const { cli } = await startMetrics(["--interval", "90s"]);
    await cli.stop();
    expect(cli.output().stdout).toContain("polling every 90s");
    const ms = startInProcess(["metrics", "--listen", "127.0.0.1:0", "--interval", "1500ms", "--json"], qstash.env);
    await ms.waitFor(/"url"/);
    await ms.stop();
    expect(JSON.parse(ms.output().stdout.split("\n")[0] as string)).toMatchObject({ interval: 1.5 });
    for (const interval of ["500ms", "0", "90", "soon", "25d"]) {
      const bad = startInProcess(["metrics", "--interval", interval], qstash.env);
      expect(await bad.exited, interval).toBe(2);
      expect(bad.output().stderr).toContain('expected a duration such as "500ms", "10s", "2m", "1h", from 1s');
    }
  });

  it("bounds the series with --max-keys, says so on stderr once, and counts what it left out", async () => {
    for (const key of ["c-1", "c-2", "c-3"]) await qstash.client.pause(key);
    const { cli, url } = await startMetrics(["--interval", "1h", "--prefix", "c-", "--max-keys", "2"]);
    try {
      const s = await scrapeUntil(url, polled, "the first poll");
      expect(s.labelValues("qstash_flow_control_paused", "key")).toEqual(["c-1", "c-2"]);
      expect([s.value("qstash_flow_control_keys"), s.value("qstash_flow_control_keys_omitted")]).toEqual([3, 1]);
    } finally {
      await cli.stop();
    }
    expect(cli.output().stderr).toMatch(
      /^\S+Z warning: 3 keys, 1 left out by --max-keys 2; raise it or narrow --prefix\n$/,
    );
  });

  it("listens on loopback by default, refuses a bad address and reports a port in use", async () => {
    const help = startInProcess(["metrics", "--help"], {});
    expect(await help.exited).toBe(0);
    expect(help.output().stdout).toMatch(/--listen <host:port>.*\(default: 127\.0\.0\.1:9464\)/s);

    for (const listen of ["9464", "localhost", "[::1]", "127.0.0.1:99999"]) {
      const bad = startInProcess(["metrics", "--listen", listen], qstash.env);
      expect(await bad.exited, listen).toBe(2);
      expect(bad.output().stderr).toMatch(/--listen/);
    }

    const { cli, url } = await startMetrics(["--interval", "1h"]);
    try {
      const taken = new URL(url).host;
      const second = startInProcess(["metrics", "--listen", taken], qstash.env);
      expect(await second.exited).toBe(1);
      expect(second.output().stderr).toContain(`error: ${taken} is in use`);
    } finally {
      await cli.stop();
    }
  });
});
