// The incident an operator acts on, against the dev server with real deliveries to
// loopback destinations: a stuck key's backlog cancelled, and a key's dead letters
// listed, retried once the destination is back, and deleted. Waits are on events and
// requests, never on time.
import { startLoopbackServer } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "../src/index.ts";
import { call, expectSpecCompliant } from "./api.ts";
import { eventually, flowControl, publishOk, recorder, sinksPerTest } from "./helpers.ts";

let server: DevServer;
let record: ReturnType<typeof recorder>;
const sink = sinksPerTest();

beforeEach(async () => {
  record = recorder();
  server = await startDevServer({ port: 0, log: record.log, retryDelayScale: 0 });
});

afterEach(async () => {
  await server.close();
  expectSpecCompliant();
});

test("a paused key with 1,000 waiting messages: a bulk cancel by flowControlKey empties its waitlist, none is delivered after resume", async () => {
  const destination = await sink();
  const fc = flowControl(server);
  await fc.pause("stuck");
  await fc.pause("neighbour");
  for (let n = 0; n < 1000; n++)
    await publishOk(server, destination.url, { key: "stuck", value: "parallelism=1", body: `stuck-${n}` });
  await publishOk(server, destination.url, { key: "neighbour", value: "parallelism=1", body: "neighbour" });
  expect((await fc.get("stuck")).waitListSize).toBe(1000);

  expect(await call(server, "DELETE", "/v2/messages", { flowControlKey: "stuck" })).toEqual({
    status: 200,
    body: { cancelled: 1000 },
  });
  expect((await fc.get("stuck")).waitListSize).toBe(0);
  expect((await fc.get("neighbour")).waitListSize).toBe(1);
  expect(record.of("cancelled")).toHaveLength(1000);

  await fc.resume("stuck");
  // A key delivers in publish order: a message published now comes after any left behind.
  const marker = await publishOk(server, destination.url, { key: "stuck", body: "after" });
  await record.next("delivered", marker);
  expect(destination.bodies()).toEqual(["after"]);
  expect(record.of("attempt").filter((event) => event.flowControlKey === "stuck")).toHaveLength(1);
});

describe("a destination down for 3 attempts", () => {
  /** Answers 503 while down; once up, holds each request until `release()`, then 200. */
  async function outage() {
    let up = false;
    let open = 0;
    let maxOpen = 0;
    const held: Array<() => void> = [];
    const delivered: string[] = [];
    const loopback = await startLoopbackServer(async (request, response) => {
      if (!up) {
        response.statusCode = 503;
        response.end("down");
        return;
      }
      open++;
      maxOpen = Math.max(maxOpen, open);
      await new Promise<void>((resolve) => held.push(resolve));
      open--;
      delivered.push(request.body);
      response.end("ok");
    });
    const hook = new URL("/hook", loopback.url).href;
    const state = {
      hook,
      loopback,
      delivered,
      bringUp: () => (up = true),
      open: () => open,
      maxOpen: () => maxOpen,
      release: () => held.shift()?.(),
    };
    return state;
  }

  test("its messages go to the DLQ; listing by key shows that key's only; retry delivers each once within the key's parallelism; delete leaves nothing", async () => {
    const destination = await outage();
    const ids: Record<string, string[]> = { orders: [], other: [] };
    for (let n = 0; n < 10; n++) {
      const id = await publishOk(server, destination.hook, {
        key: "orders",
        value: "parallelism=2",
        body: `order-${n}`,
        headers: { "upstash-retries": "2" },
      });
      ids.orders?.push(id);
    }
    for (let n = 0; n < 3; n++) {
      ids.other?.push(
        await publishOk(server, destination.hook, {
          key: "other",
          value: "parallelism=1",
          body: `other-${n}`,
          headers: { "upstash-retries": "2" },
        }),
      );
    }
    for (const id of [...(ids.orders ?? []), ...(ids.other ?? [])]) await record.next("dead", id);
    // Three attempts each (Upstash-Retried 0, 1, 2), then dead.
    expect(destination.loopback.requests).toHaveLength(13 * 3);

    const pages: Array<Array<Record<string, any>>> = [];
    let cursor: string | undefined;
    do {
      const page = await call(server, "GET", "/v2/dlq", {
        flowControlKey: "orders",
        count: 4,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page.body.messages);
      cursor = page.body.cursor;
    } while (cursor);
    expect(pages.map((page) => page.length)).toEqual([4, 4, 2]);
    const listed = pages.flat();
    // Two in flight at a time: they die in the order their attempts end, not always as published.
    expect(listed.map((message) => message.messageId).sort()).toEqual([...(ids.orders ?? [])].sort());
    expect(new Set(listed.map((message) => message.flowControlKey))).toEqual(new Set(["orders"]));
    expect(new Set(listed.map((message) => message.responseStatus))).toEqual(new Set([503]));

    destination.bringUp();
    const retried = await call(server, "POST", "/v2/dlq/retry", { flowControlKey: "orders" });
    expect(retried.status).toBe(201);
    const newIds = (retried.body.responses as Array<{ messageId: string }>).map((response) => response.messageId);
    expect(newIds).toHaveLength(10);
    expect(retried.body.cursor).toBeUndefined();
    // Both of the key's slots fill, and no third delivery starts until one is answered.
    await eventually(() => expect(destination.open()).toBe(2));
    for (let released = 0; released < 10; released++) {
      await eventually(() => expect(destination.open()).toBeGreaterThan(0));
      expect((await flowControl(server).get("orders")).parallelismCount).toBeLessThanOrEqual(2);
      destination.release();
    }
    for (const id of newIds) await record.next("delivered", id);
    expect(destination.maxOpen()).toBe(2);
    expect(destination.delivered.sort()).toEqual(Array.from({ length: 10 }, (_, n) => `order-${n}`).sort());
    expect(record.of("retrying").filter((event) => newIds.includes(event.messageId))).toEqual([]);

    expect((await call(server, "GET", "/v2/dlq", { flowControlKey: "orders" })).body.messages).toEqual([]);
    expect((await call(server, "GET", "/v2/dlq", { flowControlKey: "other" })).body.messages).toHaveLength(3);
    expect(await call(server, "DELETE", "/v2/dlq", { flowControlKey: "other" })).toEqual({
      status: 200,
      body: { deleted: 3 },
    });
    expect((await call(server, "GET", "/v2/dlq")).body).toEqual({ messages: [] });
    await destination.loopback.close();
  });
});
