import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BENCH_KEY, BENCH_TOKEN, contestants } from "./clients.mjs";
import { startServerProcess } from "./loopback.mjs";
import { checkEquivalence, measureThroughput, opsPerSecond } from "./throughput.mjs";

let server: Awaited<ReturnType<typeof startServerProcess>>;
beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(() => server.close());

describe("the throughput benchmark's pieces", () => {
  test("the server runs on 127.0.0.1 in another process", () => {
    expect(new URL(server.url).hostname).toBe("127.0.0.1");
  });

  test("all five contestants send the same pause request", async () => {
    const list = contestants(server.url);
    expect(list.map((c) => c.id)).toEqual(["wrapper", "typed", "official", "http", "fetch"]);
    const { requests, problems } = await checkEquivalence(server, list);
    expect(problems).toEqual([]);
    for (const request of Object.values(requests)) {
      expect(request.method).toBe("POST");
      expect(request.url).toBe(`/v2/flowControl/${BENCH_KEY}/pause`);
      expect(request.headers.authorization).toBe(`Bearer ${BENCH_TOKEN}`);
      expect(request.body).toBe("");
    }
  });

  test("a contestant that sends something else is caught", async () => {
    const [reference] = contestants(server.url);
    const stray = {
      id: "stray",
      label: "stray",
      call: async () => {
        await fetch(new URL("/v2/flowControl/other/pause", server.url), { method: "POST" });
      },
    };
    const { problems } = await checkEquivalence(server, [reference!, stray]);
    expect(problems.join("\n")).toMatch(/stray sent url "\/v2\/flowControl\/other\/pause"/);
    expect(problems.join("\n")).toMatch(/stray sent authorization undefined/);
  });

  test("a measured batch makes exactly the calls it reports, at the concurrency asked", async () => {
    let inFlight = 0;
    let peak = 0;
    const [wrapper] = contestants(server.url);
    const call = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await wrapper!.call();
      inFlight--;
    };
    const before = await server.served();
    const rate = await opsPerSecond(call, 40, 8);
    expect(await server.served()).toBe(before + 40);
    expect(peak).toBe(8);
    expect(Number.isFinite(rate) && rate > 0).toBe(true);
  });

  test("rounds give every contestant a sample and a ratio to bare fetch", async () => {
    const list = contestants(server.url);
    const { results } = await measureThroughput(list, { concurrency: 2, ops: 4, warmupOps: 2, rounds: 3 });
    for (const result of results) {
      expect(result.rounds).toHaveLength(3);
      expect(result.cpuMicros).toBeGreaterThan(0);
    }
    expect(results.find((r) => r.id === "fetch")!.ratio).toBe(1);
  });
});

describe("the overhead ladder", () => {
  test("every step sends the same pause request as bare fetch", async () => {
    const { overheadLadder } = await import("./overhead.mjs");
    const { problems } = await checkEquivalence(server, overheadLadder(server.url));
    expect(problems).toEqual([]);
  });

  test("runs the references only when asked, and the turnaround only when planned", async () => {
    const { measureOverhead } = await import("./overhead.mjs");
    const plan = { concurrency: 2, ops: 4, warmupOps: 2, rounds: 2 };
    const steps = await measureOverhead(server.url, { ...plan, references: false });
    expect(steps.concurrency).toBe(2);
    const ids = steps.results.map((r) => r.id);
    expect(ids).toEqual([
      "http",
      "key",
      "carrier",
      "timer",
      "response",
      "transport",
      "wrapper",
      "typed",
      "typedResponse",
    ]);
    expect(steps.results.every((r) => r.turnaroundRounds === undefined)).toBe(true);
    const all = await measureOverhead(server.url, { ...plan, references: true, turnaround: { ops: 2, rounds: 2 } });
    expect(all.results.map((r) => r.id)).toEqual([...ids, "fetch", "official"]);
    expect(all.results.every((r) => r.turnaroundRounds?.length === 2)).toBe(true);
  });
});
