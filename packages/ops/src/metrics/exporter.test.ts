import { FlowControl, ValidationError } from "@qstash-flow/flow-control";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { type Family, parseMetrics } from "@qstash-flow/test-utils/prometheus";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlowControlMetrics } from "./exporter.js";

// A QStash API on 127.0.0.1 whose answers the test sets: keys come and go, calls fail.
let api: LoopbackServer;
let keys: Record<string, unknown>[] = [];
let failing = false;

beforeAll(async () => {
  api = await startLoopbackServer((request, response) => {
    if (failing) {
      response.writeHead(500, { "content-type": "application/json" }).end('{"error":"down for maintenance"}');
      return;
    }
    const body = request.rawUrl.startsWith("/v2/globalParallelism")
      ? { parallelismMax: 100, parallelismCount: 7 }
      : keys;
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
});

afterAll(async () => {
  await api.close();
});

const client = () => new FlowControl({ token: "library-test-token-1", baseUrl: api.url });
const key = (flowControlKey: string, waitListSize = 0) => ({ flowControlKey, waitListSize, parallelismMax: 2 });
const HOUR = 3_600_000;

async function read(registry: Registry): Promise<Map<string, Family>> {
  return parseMetrics(await registry.metrics());
}
const keysOf = (families: Map<string, Family>) =>
  (families.get("qstash_flow_control_waitlist_size")?.metrics ?? []).map((m) => m.labels?.key);
const single = (families: Map<string, Family>, name: string) => Number(families.get(name)?.metrics[0]?.value);

describe("startFlowControlMetrics", () => {
  it("follows the keys: a new one appears, a gone one disappears, labels carry any text", async () => {
    const odd = 'line\nbreak "quoted" back\\slash 😀';
    keys = [key("a", 3), key(odd, 1)];
    const metrics = await startFlowControlMetrics({ client: client(), interval: HOUR });
    try {
      await metrics.poll();
      let families = await read(metrics.registry);
      expect(keysOf(families)).toEqual(["a", odd]);
      expect(single(families, "qstash_global_parallelism_in_flight")).toBe(7);

      keys = [key("b", 5)];
      expect(await metrics.poll()).toMatchObject({ ok: true, keys: 1, omitted: 0 });
      families = await read(metrics.registry);
      expect(keysOf(families)).toEqual(["b"]);
      expect(families.get("qstash_flow_control_pinned")?.metrics.map((m) => m.labels)).toEqual([
        { key: "b", limit: "parallelism" },
        { key: "b", limit: "rate" },
      ]);
    } finally {
      metrics.close();
    }
  });

  it("keeps keys with lone surrogates apart: each key one series, as served in UTF-8", async () => {
    // UTF-8 cannot carry a lone surrogate: written as is, all four would become "a\uFFFD".
    keys = [key("a\uD800", 1), key("a\uDC00", 2), key("a\uFFFD", 3), key("a\uFFFDD800", 4), key("b 😀", 5)];
    const metrics = await startFlowControlMetrics({ client: client(), interval: HOUR });
    try {
      await metrics.poll();
      const served = Buffer.from(await metrics.registry.metrics(), "utf8").toString("utf8");
      const families = parseMetrics(served);
      expect(families.get("qstash_flow_control_waitlist_size")?.metrics).toEqual([
        { labels: { key: "a\uFFFDD800" }, value: "1" },
        { labels: { key: "a\uFFFDDC00" }, value: "2" },
        { labels: { key: "a\uFFFDFFFD" }, value: "3" },
        { labels: { key: "a\uFFFDFFFDD800" }, value: "4" },
        { labels: { key: "b 😀" }, value: "5" },
      ]);
    } finally {
      metrics.close();
    }
  });

  it("exports the first maxKeys keys in key order and says how many it left out", async () => {
    keys = [key("k3"), key("k1"), key("x"), key("k2")];
    const metrics = await startFlowControlMetrics({ client: client(), interval: HOUR, maxKeys: 2, prefix: "k" });
    try {
      expect(await metrics.poll()).toMatchObject({ ok: true, keys: 3, omitted: 1 });
      const families = await read(metrics.registry);
      expect(keysOf(families)).toEqual(["k1", "k2"]);
      expect(single(families, "qstash_flow_control_keys")).toBe(3);
      expect(single(families, "qstash_flow_control_keys_omitted")).toBe(1);
    } finally {
      metrics.close();
    }
  });

  it("keeps the last good values through failed polls, counts them, and shares a poll under way", async () => {
    keys = [key("steady", 4)];
    const results: boolean[] = [];
    const metrics = await startFlowControlMetrics({
      client: client(),
      interval: HOUR,
      onPoll: (result) => results.push(result.ok),
    });
    try {
      await metrics.poll();
      const good = await read(metrics.registry);
      failing = true;
      const before = api.requests.length;
      const [one, two] = await Promise.all([metrics.poll(), metrics.poll()]);
      expect(one).toBe(two);
      expect(one.ok).toBe(false);
      // One list and one global, no retries: the next poll is the retry.
      expect(api.requests.length - before).toBe(2);
      const families = await read(metrics.registry);
      expect(single(families, "qstash_flow_control_poll_errors_total")).toBe(1);
      expect(families.get("qstash_flow_control_waitlist_size")?.metrics).toEqual([
        { labels: { key: "steady" }, value: "4" },
      ]);
      for (const name of ["qstash_flow_control_last_poll_timestamp_seconds", "qstash_global_parallelism_in_flight"]) {
        expect(single(families, name)).toBe(single(good, name));
      }
      expect(results.at(-1)).toBe(false);
    } finally {
      failing = false;
      metrics.close();
    }
  });

  it("adds to a registry it is given and takes only its own metrics away on close", async () => {
    keys = [key("a")];
    const registry = new Registry();
    const metrics = await startFlowControlMetrics({ client: client(), interval: HOUR, registry });
    await metrics.poll();
    expect(metrics.registry).toBe(registry);
    expect(registry.getSingleMetric("qstash_flow_control_waitlist_size")).toBeDefined();
    // A second exporter on the same registry is refused before it changes anything.
    await expect(startFlowControlMetrics({ client: client(), registry })).rejects.toThrow(
      "the registry already has a metric named qstash_flow_control_waitlist_size",
    );
    expect(registry.getSingleMetric("qstash_flow_control_waitlist_size")).toBeDefined();
    metrics.close();
    expect(await registry.getMetricsAsJSON()).toEqual([]);
  });

  it("refuses options it cannot use, before polling", async () => {
    for (const options of [{ interval: 0 }, { interval: 1.5 }, { interval: 2 ** 31 }, { maxKeys: -1 }, { prefix: 3 }]) {
      await expect(startFlowControlMetrics({ client: client(), ...(options as object) })).rejects.toThrow(
        ValidationError,
      );
    }
  });
});
