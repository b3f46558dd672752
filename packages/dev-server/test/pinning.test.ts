// pin and unpin, observed at a real destination on 127.0.0.1 and through the state the
// server reports to the typed client. Assertions are on counts and order, never on time.
import type { FlowControl } from "@qstash-flow/flow-control";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "../src/index.ts";
import { count, flowControl, publishOk, sinksPerTest } from "./helpers.ts";

let server: DevServer;
let fc: FlowControl;
const sink = sinksPerTest();

beforeAll(async () => {
  server = await startDevServer({ port: 0 });
  fc = flowControl(server);
});

afterAll(async () => {
  await server.close();
});

describe("pin and unpin", () => {
  test("pin overrides incoming configurations and resets the rate state", async () => {
    const s = await sink();
    for (let i = 0; i < 2; i++)
      await publishOk(server, s.url, { key: "pin", value: "rate=1, period=1m", body: `m${i}` });
    await count(s, 1);
    const before = await fc.get("pin");
    expect(before).toMatchObject({ rateMax: 1, rateCount: 1, waitListSize: 1, isPinnedRate: false });

    await fc.pin("pin", { rate: 3 });
    await count(s, 2);
    const pinned = await fc.get("pin");
    expect(pinned).toMatchObject({ rateMax: 3, ratePeriod: 60, rateCount: 1, waitListSize: 0, isPinnedRate: true });
    expect(pinned.ratePeriodStart).toBeGreaterThanOrEqual(before.ratePeriodStart);

    // The messages still ask for rate=1; the pin wins.
    for (let i = 2; i < 5; i++)
      await publishOk(server, s.url, { key: "pin", value: "rate=1, period=1m", body: `m${i}` });
    await count(s, 4);
    expect(await fc.get("pin")).toMatchObject({ rateMax: 3, rateCount: 3, waitListSize: 1 });

    await fc.pin("pin", { rate: 3 });
    await count(s, 5);
    expect(await fc.get("pin")).toMatchObject({ rateCount: 1, waitListSize: 0 });
  });

  test("pinning clears the count of a key with nothing waiting", async () => {
    const s = await sink();
    for (let i = 0; i < 2; i++) await publishOk(server, s.url, { key: "pin0", value: "rate=5, period=1h" });
    await count(s, 2);
    expect((await fc.get("pin0")).rateCount).toBe(2);
    await fc.pin("pin0", { rate: 5 });
    expect(await fc.get("pin0")).toMatchObject({ rateCount: 0, rateMax: 5, ratePeriod: 3600 });
  });

  test("pinned parallelism holds deliveries to the pinned value", async () => {
    const s = await sink({ hold: true });
    await fc.pin("pinp", { parallelism: 1 });
    for (let i = 0; i < 3; i++) await publishOk(server, s.url, { key: "pinp", value: "parallelism=5", body: `m${i}` });
    await count(s, 1);
    expect(await fc.get("pinp")).toMatchObject({ parallelismMax: 1, isPinnedParallelism: true, waitListSize: 2 });
    s.release();
    await count(s, 2);
    s.release();
    await count(s, 3);
    expect(s.maxOpen).toBe(1);
  });

  test("unpin keeps the pinned values until a message brings a different configuration", async () => {
    const s = await sink({ hold: true });
    await fc.pin("unp", { parallelism: 1, rate: 50, period: 120 });
    await fc.unpin("unp", { parallelism: true, rate: true });
    expect(await fc.get("unp")).toMatchObject({
      parallelismMax: 1,
      rateMax: 50,
      ratePeriod: 120,
      isPinnedParallelism: false,
      isPinnedRate: false,
    });
    // The same configuration as the pinned one changes nothing: still one at a time.
    for (let i = 0; i < 2; i++) {
      await publishOk(server, s.url, { key: "unp", value: "parallelism=1, rate=50, period=120", body: `m${i}` });
    }
    await count(s, 1);
    expect(await fc.get("unp")).toMatchObject({ parallelismMax: 1, waitListSize: 1 });

    // A different one takes over, and the waiting message starts under it.
    await publishOk(server, s.url, { key: "unp", value: "parallelism=3, rate=60, period=60", body: "m2" });
    await count(s, 3);
    expect(await fc.get("unp")).toMatchObject({ parallelismMax: 3, rateMax: 60, ratePeriod: 60, parallelismCount: 3 });
    expect(s.bodies()).toEqual(["m0", "m1", "m2"]);
  });

  test("unpin with neither flag answers 200 with no body and changes nothing", async () => {
    await fc.pin("noop", { parallelism: 2, rate: 4, period: 3600 });
    const before = await fc.get("noop");
    expect(before).toMatchObject({ isPinnedParallelism: true, isPinnedRate: true });
    // Both flags are optional and default to false (openapi/workflow.yaml): no flag unpins nothing.
    for (const query of ["", "?parallelism=false", "?rate=false", "?parallelism=false&rate=false"]) {
      const response = await fetch(new URL(`/v2/flowControl/noop/unpin${query}`, server.url), {
        method: "POST",
        headers: { authorization: `Bearer ${server.token}` },
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("");
    }
    expect(await fc.get("noop")).toEqual(before);
  });

  test("unpinning one part keeps the other pinned", async () => {
    const s = await sink();
    await fc.pin("half", { parallelism: 2, rate: 4 });
    await fc.unpin("half", { parallelism: true });
    await publishOk(server, s.url, { key: "half", value: "parallelism=7, rate=9" });
    await count(s, 1);
    expect(await fc.get("half")).toMatchObject({
      parallelismMax: 7,
      isPinnedParallelism: false,
      rateMax: 4,
      isPinnedRate: true,
    });
  });
});
