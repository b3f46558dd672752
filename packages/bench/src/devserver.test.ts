import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { startDevServer } from "@qstash-flow/dev-server";
import { waitUntil } from "@qstash-flow/test-utils";
import { describe, expect, test } from "vitest";
import { BODY, DEVSERVER_CONTESTANTS, publishAll } from "./devserver.mjs";
import { startForwarder } from "./devserver/forwarder.mjs";
import { renderReport } from "./report.mjs";
import { evaluateTargets } from "./targets.mjs";

/** A sink on 127.0.0.1 that holds every request open until `release()`. */
async function holdingSink() {
  const held: Array<[IncomingMessage, ServerResponse]> = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      bodies.push(body);
      held.push([req, res]);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    open: () => held.length,
    release: () => held.shift()?.[1].end("ok"),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe("the dev-server section's pieces", () => {
  test("the forwarder takes the dev server's publish and keeps at most N in flight for parallelism=N", async () => {
    const forwarder = await startForwarder({ token: "t" });
    const sink = await holdingSink();
    try {
      const headers = DEVSERVER_CONTESTANTS.find((c) => c.id === "forwarder-p10")?.headers;
      await publishAll({ base: forwarder.url, token: "t", destination: sink.url, count: 12, concurrency: 4, headers });
      await waitUntil(() => sink.open() === 10, "10 deliveries in flight");
      sink.release();
      await waitUntil(() => sink.bodies.length === 11, "the 11th delivery");
      expect(sink.open()).toBe(10);
      for (let i = 0; i < 11; i++) sink.release();
      await waitUntil(() => sink.bodies.length === 12, "the 12th delivery");
      expect(new Set(sink.bodies)).toEqual(new Set([BODY]));
      await expect(
        publishAll({ base: forwarder.url, token: "wrong", destination: sink.url, count: 1, concurrency: 1 }),
      ).rejects.toThrow(/answered 401/);
    } finally {
      while (sink.open() > 0) sink.release();
      await forwarder.close();
      sink.close();
    }
  });

  test("publishAll sends every message to the dev server, and a refusal throws", async () => {
    const server = await startDevServer({ port: 0, maxWaitingMessages: 5 });
    try {
      const auth = { authorization: `Bearer ${server.token}` };
      await fetch(`${server.url}/v2/flowControl/held/pause`, { method: "POST", headers: auth });
      const headers = { "upstash-flow-control-key": "held" };
      const destination = "http://127.0.0.1:9/never";
      await publishAll({ base: server.url, token: server.token, destination, count: 5, concurrency: 2, headers });
      const key = await (await fetch(`${server.url}/v2/flowControl/held`, { headers: auth })).json();
      expect(key.waitListSize).toBe(5);
      await expect(
        publishAll({ base: server.url, token: server.token, destination, count: 1, concurrency: 1, headers }),
      ).rejects.toThrow(/answered 429/);
    } finally {
      await server.close();
    }
  });
});

describe("the dev-server targets and report", () => {
  const rounds = (value: number, n = 15) => Array.from({ length: n }, (_, i) => value * (1 + (i % 3) / 100));
  const throughput = (devRate: number) => ({
    messages: 500,
    concurrency: 32,
    results: [
      { id: "dev", label: "dev server", limits: "none", rounds: rounds(devRate), cpuMicros: rounds(300) },
      { id: "forwarder", label: "minimal forwarder", limits: "none", rounds: rounds(1000), cpuMicros: rounds(200) },
      { id: "dev-p10", label: "dev server", limits: "parallelism=10", rounds: rounds(500), cpuMicros: rounds(300) },
      {
        id: "forwarder-p10",
        label: "minimal forwarder",
        limits: "parallelism=10",
        rounds: rounds(600),
        cpuMicros: rounds(200),
      },
    ],
  });
  const memory = (perBlock: number) => ({
    messages: 100_000,
    blocks: 10,
    bodyBytes: 100,
    perMessage: perBlock,
    samples: rounds(perBlock, 10),
    heapBefore: 4e6,
    heapAfter: 8e7,
    externalBefore: 2e6,
    externalAfter: 1.3e7,
  });

  test("met when the whole interval is on the good side, missed when it is on the bad side", () => {
    const good = evaluateTargets({ devServer: { throughput: throughput(900), memory: memory(700) } });
    expect(good.map((row) => row.met)).toEqual([true, true]);
    expect(good[0]?.measured).toMatch(/^90 % of the forwarder's deliveries\/s in the same round \(95 % interval/);
    expect(good[1]?.measured).toMatch(/^700 B beyond the 100 B body/);
    const bad = evaluateTargets({ devServer: { throughput: throughput(500), memory: memory(1500) } });
    expect(bad.map((row) => row.met)).toEqual([false, false]);
  });

  test("the report shows both limits against the forwarder, and the memory figures", () => {
    const text = renderReport({
      machine: { cpu: "cpu", cores: 2, memoryGiB: 1, node: "v20", os: "linux", load: [0, 0, 0] },
      versions: {},
      command: "pnpm bench",
      date: "2026-11-30",
      devServer: { throughput: throughput(900), memory: memory(700) },
    });
    expect(text).toContain("## The dev server: publish -> delivery, and memory per waiting message");
    expect(text).toMatch(/\| none \| dev server \| 9\d\d \| 90 % \(\d+-\d+\) \| 30\d µs \|/);
    expect(text).toMatch(/\| parallelism=10 \| dev server \| 5\d\d \| 83 % \(\d+-\d+\) \|/);
    expect(text).toMatch(/\| 100,000 \| 700 B \| 70\d B \(\d+-\d+\) \|/);
  });
});
