import { readFile } from "node:fs/promises";
import { FlowControl } from "@qstash-flow/flow-control";
import { startLoopbackServer } from "@qstash-flow/test-utils";
import { parser } from "@prometheus-io/lezer-promql";
import { describe, expect, it } from "vitest";
import { startFlowControlMetrics } from "../src/index.js";

const DASHBOARD = new URL("../grafana/flow-control.json", import.meta.url);

interface Panel {
  title: string;
  targets: { expr: string }[];
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
