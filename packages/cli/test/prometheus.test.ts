import { waitUntil } from "@qstash-flow/test-utils";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { startInProcess } from "./support/in-process.js";
import { type ObservedQStash, startObservedQStash } from "./support/observed.js";
import {
  type PrometheusServer,
  promtool,
  requirePrometheus,
  SKIP_PROMETHEUS,
  type Sample,
  startPrometheus,
} from "@qstash-flow/test-utils/prometheus";

// The rules file is not a module: it is found beside the package.json of @qstash-flow/ops.
const RULES = new URL("prometheus/flow-control.rules.yml", import.meta.resolve("@qstash-flow/ops/package.json"));
const DASHBOARD = new URL(import.meta.resolve("@qstash-flow/ops/grafana/flow-control.json"));

const WEIRD = 'p-we"ird\\key 🎉 ключ';
const STUCK = "p-stuck";
const PAUSED = "p-paused";

/** The shipped rules with every `for:` cut to 2 s, for a copy: the shipped file stays as it is. */
async function rulesWithShortFor(): Promise<string> {
  const rules = parse(await readFile(RULES, "utf8")) as { groups: { rules: { for?: string }[] }[] };
  for (const rule of rules.groups.flatMap((group) => group.rules)) if (rule.for) rule.for = "2s";
  return stringify(rules);
}

/** A PromQL string literal of `text`: JSON's escapes are PromQL's. */
const literal = (text: string) => JSON.stringify(text);

let qstash: ObservedQStash;
let exporter: ReturnType<typeof startInProcess>;
let metricsUrl: string;
let prometheus: PrometheusServer;

describe.skipIf(SKIP_PROMETHEUS)("a real Prometheus scraping `qstash-flow metrics`", () => {
  beforeAll(async () => {
    requirePrometheus();
    qstash = await startObservedQStash();
    // A key with quotes, a backslash and emoji that holds still: pinned and paused. (No
    // message: an HTTP header cannot carry its name.)
    await qstash.client.pin(WEIRD, { parallelism: 2, rate: 5, period: 60 });
    await qstash.client.pause(WEIRD);
    // Stuck: its one slot held by a delivery that never finishes, 2 waiting behind it.
    await qstash.publish(STUCK, "parallelism=1", 3, { hang: true });
    await waitUntil(async () => (await qstash.client.get(STUCK)).waitListSize === 2, "the stuck key's backlog");
    // Paused with a backlog, its slots free.
    await qstash.client.pause(PAUSED);
    await qstash.publish(PAUSED, "parallelism=3", 2);

    exporter = startInProcess(["metrics", "--listen", "127.0.0.1:0", "--interval", "1s", "--prefix", "p-"], qstash.env);
    [, metricsUrl = ""] = await exporter.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/metrics),/);
    prometheus = await startPrometheus(new URL(metricsUrl).host, await rulesWithShortFor());
  });

  afterAll(async () => {
    await prometheus?.close();
    await exporter?.stop();
    await qstash?.close();
  });

  it("serves what `promtool check metrics` passes without a remark", async () => {
    await waitUntil(async () => (await fetch(metricsUrl).then((r) => r.text())).includes(STUCK), "a poll");
    const result = await promtool(["check", "metrics"], await fetch(metricsUrl).then((r) => r.text()));
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("stores what `get` gives for a key with quotes, a backslash and emoji", async () => {
    const selector = `{__name__=~"qstash_flow_control_.+", key=${literal(WEIRD)}}`;
    let samples: Sample[] = [];
    await waitUntil(async () => {
      samples = await prometheus.query(selector);
      return samples.length === 9;
    }, "the weird key's series in Prometheus");
    const value = (name: string, limit?: string) =>
      samples.find((s) => s.metric.__name__ === name && s.metric.limit === limit)?.value;
    const info = await qstash.client.get(WEIRD);
    expect(samples.every((s) => s.metric.key === WEIRD && s.metric.job === "qstash-flow")).toBe(true);
    expect({
      waitlist: value("qstash_flow_control_waitlist_size"),
      inFlight: value("qstash_flow_control_parallelism_in_flight"),
      parallelismMax: value("qstash_flow_control_parallelism_max"),
      rateUsed: value("qstash_flow_control_rate_used"),
      rateMax: value("qstash_flow_control_rate_max"),
      ratePeriod: value("qstash_flow_control_rate_period_seconds"),
      paused: value("qstash_flow_control_paused"),
      pinnedParallelism: value("qstash_flow_control_pinned", "parallelism"),
      pinnedRate: value("qstash_flow_control_pinned", "rate"),
    }).toEqual({
      waitlist: info.waitListSize,
      inFlight: info.parallelismCount,
      parallelismMax: info.parallelismMax,
      rateUsed: info.rateCount,
      rateMax: info.rateMax,
      ratePeriod: info.ratePeriod,
      paused: 1,
      pinnedParallelism: 1,
      pinnedRate: 1,
    });
    expect(info).toMatchObject({ parallelismMax: 2, rateMax: 5, ratePeriod: 60 });
  });

  it("answers every query of the Grafana dashboard with series, and its key picker with the keys", async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, "utf8")) as { panels: { targets: { expr: string }[] }[] };
    // `$key` as Grafana sends it with "All" picked.
    const queries = dashboard.panels.flatMap((panel) => panel.targets.map((t) => t.expr.replaceAll("$key", ".*")));
    expect(queries.length).toBeGreaterThan(10);
    let empty: string[] = [];
    // A query that fails throws at once; one without series yet (a rate needs two scrapes) waits.
    await waitUntil(async () => {
      const results = await Promise.all(queries.map(async (q) => [q, await prometheus.query(q)] as const));
      empty = results.filter(([, samples]) => samples.length === 0).map(([q]) => q);
      return empty.length === 0;
    }, "every dashboard query to return series").catch((error) => {
      throw new Error(`${error.message}; still empty: ${empty.join("\n")}`);
    });
    const keys = await prometheus.api<string[]>("label/key/values", {
      "match[]": "qstash_flow_control_waitlist_size",
    });
    expect(keys.sort()).toEqual([PAUSED, STUCK, WEIRD].sort());
  });

  it("loads the rules, and the stuck and the paused keys' alerts go pending, then fire", async () => {
    type Rule = { name: string; type: string; health: string; lastError?: string };
    let rules: Rule[] = [];
    await waitUntil(async () => {
      const data = await prometheus.api<{ groups: { rules: Rule[] }[] }>("rules");
      rules = data.groups.flatMap((group) => group.rules);
      return rules.length > 0 && rules.every((rule) => rule.health !== "unknown");
    }, "every rule to be evaluated");
    expect(rules.map(({ name, health, lastError }) => ({ name, health, lastError: lastError ?? "" }))).toEqual(
      rules.map(({ name }) => ({ name, health: "ok", lastError: "" })),
    );
    expect(rules.filter((rule) => rule.type === "alerting")).toHaveLength(5);

    type Alert = { labels: Record<string, string>; annotations: Record<string, string>; state: string };
    const firing = (alerts: Alert[], name: string) =>
      alerts
        .filter((a) => a.labels.alertname === name && a.state === "firing")
        .map((a) => a.labels.key)
        .sort();
    let alerts: Alert[] = [];
    await waitUntil(async () => {
      alerts = (await prometheus.api<{ alerts: Alert[] }>("alerts")).alerts;
      return (
        firing(alerts, "QStashFlowControlKeyStuck").length > 0 &&
        firing(alerts, "QStashFlowControlKeyPausedWithBacklog").length > 0
      );
    }, "the alerts to fire");
    expect(firing(alerts, "QStashFlowControlKeyStuck")).toEqual([STUCK]);
    // Not the weird key: paused too, but nothing waits.
    expect(firing(alerts, "QStashFlowControlKeyPausedWithBacklog")).toEqual([PAUSED]);
    const stuck = alerts.find((a) => a.labels.alertname === "QStashFlowControlKeyStuck");
    expect(stuck?.annotations.description).toContain(`Key "${STUCK}" has 2 messages waiting`);
    for (const name of ["QStashFlowControlWaitlistGrowing", "QStashGlobalParallelismSaturated"]) {
      expect(alerts.filter((a) => a.labels.alertname === name)).toEqual([]);
    }

    // Each went through pending first: Prometheus keeps that in its ALERTS series.
    const pending = await prometheus.query('max_over_time(ALERTS{alertstate="pending"}[5m])');
    const pendingKeys = (name: string) =>
      pending
        .filter((s) => s.metric.alertname === name)
        .map((s) => s.metric.key)
        .sort();
    expect(pendingKeys("QStashFlowControlKeyStuck")).toEqual([STUCK]);
    expect(pendingKeys("QStashFlowControlKeyPausedWithBacklog")).toEqual([PAUSED]);
  });
});
