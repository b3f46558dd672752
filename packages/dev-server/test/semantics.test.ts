// Flow-control semantics observed where they matter: at a real destination on
// 127.0.0.1 that records (and can hold) each delivery, and through the state the
// server reports to the typed client. Assertions are on counts and order, never on time.
import type { FlowControl } from "@qstash-flow/flow-control";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "../src/index.ts";
import { barrier, count, eventually, flowControl, publishOk, type Sink, sinksPerTest, startSink } from "./helpers.ts";

let server: DevServer;
let fc: FlowControl;
let marker: Sink;
const sink = sinksPerTest();

beforeAll(async () => {
  server = await startDevServer({ port: 0 });
  fc = flowControl(server);
  marker = await startSink();
});

afterAll(async () => {
  await server.close();
  await marker.close();
});

describe("parallelism", () => {
  test("at most `parallelism` deliveries are in flight, in publish order", async () => {
    const s = await sink({ hold: true });
    for (let i = 0; i < 5; i++) await publishOk(server, s.url, { key: "par", value: "parallelism=2", body: `m${i}` });
    await count(s, 2);
    expect(await fc.get("par")).toMatchObject({ parallelismMax: 2, parallelismCount: 2, waitListSize: 3 });
    for (let released = 1; released <= 5; released++) {
      s.release();
      await count(s, Math.min(5, released + 2));
    }
    expect(s.maxOpen).toBe(2);
    expect(s.bodies()).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    await eventually(async () => expect(await fc.get("par")).toMatchObject({ parallelismCount: 0, waitListSize: 0 }));
  });

  test("without a key a message is delivered at once, body, type and forwarded headers intact", async () => {
    const s = await sink();
    const id = await publishOk(server, s.url, {
      body: '{"hello":"world"}',
      headers: { "content-type": "application/json", "Upstash-Forward-X-Tenant": "42" },
    });
    await count(s, 1);
    const [delivered] = s.server.requests;
    expect(delivered).toMatchObject({ method: "POST", rawUrl: "/hook", body: '{"hello":"world"}' });
    expect(delivered?.headers).toMatchObject({
      "content-type": "application/json",
      "x-tenant": "42",
      "upstash-message-id": id,
    });
  });
});

describe("rate", () => {
  test("at most `rate` deliveries start per period; resetRate opens a new period now", async () => {
    const s = await sink();
    for (let i = 0; i < 5; i++)
      await publishOk(server, s.url, { key: "rate", value: "rate=2, period=1m", body: `m${i}` });
    await count(s, 2);
    const first = await fc.get("rate");
    expect(first).toMatchObject({ rateMax: 2, rateCount: 2, ratePeriod: 60, waitListSize: 3 });
    await barrier(server, marker);
    expect(s.bodies()).toHaveLength(2);

    await fc.resetRate("rate");
    await count(s, 4);
    const second = await fc.get("rate");
    expect(second).toMatchObject({ rateCount: 2, waitListSize: 1 });
    expect(second.ratePeriodStart).toBeGreaterThanOrEqual(first.ratePeriodStart);

    await fc.resetRate("rate");
    await count(s, 5);
    expect(s.bodies()).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(await fc.get("rate")).toMatchObject({ rateCount: 1, waitListSize: 0 });
  });

  test("when the period ends the next messages start on their own", async () => {
    const s = await sink();
    for (let i = 0; i < 3; i++)
      await publishOk(server, s.url, { key: "roll", value: "rate=1, period=1s", body: `m${i}` });
    expect(await fc.get("roll")).toMatchObject({ rateMax: 1, ratePeriod: 1, waitListSize: 2 });
    await count(s, 3);
    expect(s.bodies()).toEqual(["m0", "m1", "m2"]);
  });
});

test("a message bringing a shorter period does not wait for the old period's end", async () => {
  const s = await sink();
  for (let i = 0; i < 2; i++)
    await publishOk(server, s.url, { key: "shorter", value: "rate=1, period=1h", body: `m${i}` });
  await count(s, 1);
  expect(await fc.get("shorter")).toMatchObject({ ratePeriod: 3600, waitListSize: 1 });
  await publishOk(server, s.url, { key: "shorter", value: "rate=1, period=1s", body: "m2" });
  await count(s, 3);
  expect(s.bodies()).toEqual(["m0", "m1", "m2"]);
});

describe("pause and resume", () => {
  test("paused: new messages wait, nothing is delivered, the period's count is kept; resume drains", async () => {
    const s = await sink();
    for (let i = 0; i < 2; i++)
      await publishOk(server, s.url, { key: "pz", value: "rate=10, period=1m", body: `m${i}` });
    await count(s, 2);
    await fc.pause("pz");
    for (let i = 2; i < 5; i++)
      await publishOk(server, s.url, { key: "pz", value: "rate=10, period=1m", body: `m${i}` });
    await barrier(server, marker);
    expect(s.bodies()).toHaveLength(2);
    expect(await fc.get("pz")).toMatchObject({ isPaused: true, waitListSize: 3, rateCount: 2, rateMax: 10 });

    await fc.resume("pz");
    await count(s, 5);
    expect(s.bodies()).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(await fc.get("pz")).toMatchObject({ isPaused: false, waitListSize: 0, rateCount: 5 });
  });

  test("messages already waiting stay waiting when a slot frees up", async () => {
    const s = await sink({ hold: true });
    for (let i = 0; i < 3; i++) await publishOk(server, s.url, { key: "pw", value: "parallelism=1", body: `m${i}` });
    await count(s, 1);
    await fc.pause("pw");
    s.release();
    await eventually(async () => expect((await fc.get("pw")).parallelismCount).toBe(0));
    await barrier(server, marker);
    expect(s.bodies()).toHaveLength(1);
    expect(await fc.get("pw")).toMatchObject({ isPaused: true, waitListSize: 2 });
    await fc.resume("pw");
    await count(s, 2);
    s.release();
    await count(s, 3);
  });

  test("a key can be paused before its first message", async () => {
    const s = await sink();
    await fc.pause("early");
    await publishOk(server, s.url, { key: "early", value: "parallelism=5" });
    await barrier(server, marker);
    expect(s.bodies()).toHaveLength(0);
    expect(await fc.get("early")).toMatchObject({ isPaused: true, waitListSize: 1, parallelismMax: 5 });
    await fc.resume("early");
    await count(s, 1);
  });
});

describe("get and list", () => {
  test("list reports every key as get does", async () => {
    const s = await sink({ hold: true });
    await publishOk(server, s.url, { key: "l1", value: "parallelism=1, rate=9, period=1h" });
    await publishOk(server, s.url, { key: "l1", value: "parallelism=1, rate=9, period=1h" });
    await fc.pause("l2");
    await count(s, 1);
    const all = await fc.list();
    const l1 = all.find((info) => info.flowControlKey === "l1");
    const l2 = all.find((info) => info.flowControlKey === "l2");
    expect(l1).toEqual(await fc.get("l1"));
    expect(l1).toMatchObject({
      waitListSize: 1,
      parallelismMax: 1,
      parallelismCount: 1,
      rateMax: 9,
      rateCount: 1,
      ratePeriod: 3600,
      isPaused: false,
    });
    expect(l2).toMatchObject({ isPaused: true, waitListSize: 0, parallelismCount: 0 });
    expect(Math.abs((l1?.ratePeriodStart ?? 0) - Date.now() / 1000)).toBeLessThan(3600);
  });
});
