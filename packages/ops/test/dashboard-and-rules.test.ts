import { readFile } from "node:fs/promises";
import { FlowControl } from "@qstash-flow/flow-control";
import { startLoopbackServer } from "@qstash-flow/test-utils";
import { parser } from "@prometheus-io/lezer-promql";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startFlowControlMetrics } from "../src/index.js";

const DASHBOARD = new URL("../grafana/flow-control.json", import.meta.url);
const RULES = new URL("../prometheus/flow-control.rules.yml", import.meta.url);

/** Labels Prometheus adds to every scraped series. */
const SCRAPE_LABELS = ["job", "instance"];

interface Panel {
  title: string;
  targets: { expr: string }[];
}

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Metric and label names one PromQL query uses; throws on a syntax error. */
function namesIn(query: string): { metrics: string[]; labels: string[] } {
  const metrics: string[] = [];
  const labels: string[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`invalid PromQL at ${node.from}: ${query}`);
      const text = query.slice(node.from, node.to);
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") metrics.push(text);
      if (node.name === "LabelName") labels.push(text);
    },
  });
  return { metrics, labels };
}

/** The metrics and labels `startFlowControlMetrics` serves after a poll of a one-key API. */
async function served(): Promise<{ metrics: Set<string>; labels: Set<string> }> {
  const api = await startLoopbackServer((request, response) => {
    const body = request.rawUrl.startsWith("/v2/globalParallelism")
      ? { parallelismMax: 10, parallelismCount: 1 }
      : [{ flowControlKey: "k", waitListSize: 1 }];
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  const metrics = await startFlowControlMetrics({
    client: new FlowControl({ token: "grafana-test-token", baseUrl: api.url }),
    interval: 3_600_000,
  });
  try {
    await metrics.poll();
    const json = await metrics.registry.getMetricsAsJSON();
    return {
      metrics: new Set(json.map((metric) => metric.name)),
      labels: new Set(json.flatMap((metric) => metric.values.flatMap((value) => Object.keys(value.labels)))),
    };
  } finally {
    metrics.close();
    await api.close();
  }
}

describe("the Grafana dashboard", () => {
  it("queries only metrics and labels that `qstash-flow metrics` serves, in valid PromQL", async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, "utf8")) as {
      panels: Panel[];
      templating: { list: { name: string; definition?: string }[] };
    };
    const exported = await served();
    const used = new Set<string>();
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(6);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets) {
        const { metrics, labels } = namesIn(expr);
        expect(metrics.length, expr).toBeGreaterThan(0);
        for (const metric of metrics) {
          expect(exported.metrics, `${panel.title}: ${metric}`).toContain(metric);
          used.add(metric);
        }
        for (const label of labels) expect(exported.labels, `${panel.title}: ${label}`).toContain(label);
      }
    }
    // Grafana's own query syntax for the key picker, not PromQL.
    const picker = dashboard.templating.list.find((variable) => variable.name === "key")?.definition ?? "";
    const [, metric, label] = /^label_values\((\w+), (\w+)\)$/.exec(picker) ?? [];
    expect(exported.metrics).toContain(metric);
    expect(label).toBe("key");
    // The dashboard shows every metric the exporter serves.
    expect([...exported.metrics].filter((name) => !used.has(name))).toEqual([]);
  });
});

describe("the Prometheus rules", () => {
  it("use only metrics the exporter serves or a rule before them records, and labels that exist", async () => {
    const { groups } = parse(await readFile(RULES, "utf8")) as { groups: { name: string; rules: Rule[] }[] };
    const exported = await served();
    const known = new Set(exported.metrics);
    const labels = new Set([...exported.labels, ...SCRAPE_LABELS]);
    const alerts: Rule[] = [];
    for (const rule of groups.flatMap((group) => group.rules)) {
      const name = rule.record ?? rule.alert ?? "";
      const used = namesIn(rule.expr);
      expect(used.metrics.length, name).toBeGreaterThan(0);
      for (const metric of used.metrics) expect(known, `${name}: ${metric}`).toContain(metric);
      for (const label of used.labels) expect(labels, `${name}: ${label}`).toContain(label);
      const templated = Object.values(rule.annotations ?? {}).join("\n");
      for (const [, label] of templated.matchAll(/\$labels\.(\w+)/g)) {
        expect(labels, `${name}: $labels.${label}`).toContain(label);
      }
      if (rule.record) {
        // Recording rules are named level:metric:operations, as Prometheus recommends.
        expect(rule.record).toMatch(/^key:qstash_\w+:\w+$/);
        known.add(rule.record);
      } else alerts.push(rule);
    }
    expect(alerts.map((rule) => rule.alert).sort()).toEqual([
      "QStashFlowControlKeyPausedWithBacklog",
      "QStashFlowControlKeyStuck",
      "QStashFlowControlPollFailing",
      "QStashFlowControlWaitlistGrowing",
      "QStashGlobalParallelismSaturated",
    ]);
    for (const alert of alerts) {
      expect(alert.labels?.severity, alert.alert).toMatch(/^(critical|warning)$/);
      expect(Object.keys(alert.annotations ?? {}).sort(), alert.alert).toEqual(["description", "summary"]);
      expect(alert.for, alert.alert).toMatch(/^\d+m$/);
      // An alert about a key names it, in both texts.
      if (alert.alert?.startsWith("QStashFlowControlKey") || alert.alert === "QStashFlowControlWaitlistGrowing") {
        expect(alert.annotations?.summary, alert.alert).toContain("{{ $labels.key }}");
        expect(alert.annotations?.description, alert.alert).toContain("{{ $labels.key }}");
      }
    }
  });
});
