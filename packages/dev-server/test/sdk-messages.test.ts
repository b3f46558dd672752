// The official SDK, `@upstash/qstash`, acting on messages against the dev server: its own
// flow-control suite (src/client/flow-control.test.ts of upstash/qstash-js, written
// against QStash) step by step, each test ending with `messages.delete` of a message
// still in flight to a slow destination, as there; then `messages.cancel`,
// `dlq.listMessages`, `dlq.retry` and `dlq.delete` with a `flowControlKey` filter, one
// value and several, paged with `count`. Waits are on events, never on time.
import { Client } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "../src/index.ts";
import { eventually, recorder, scripted, sinksPerTest } from "./helpers.ts";

let server: DevServer;
let client: Client;
const record = recorder();
const sink = sinksPerTest();

beforeAll(async () => {
  server = await startDevServer({ port: 0, log: record.log, retryDelayScale: 0 });
  client = new Client({
    baseUrl: server.url,
    token: server.token,
    devMode: false,
    retry: false,
    enableTelemetry: false,
  });
});

afterAll(() => server.close());

/** The suite's message: to a destination that holds it (its `?sleep=30000`), under a key. */
async function publishSlow(key: string): Promise<string> {
  const slow = await sink({ hold: true });
  const { messageId } = await client.publish({
    url: `${slow.url}?sleep=30000`,
    body: "hello",
    flowControl: { key, parallelism: 5, rate: 10, period: "1m" },
  });
  await eventually(() => expect(slow.open).toBe(1));
  return messageId;
}

/** The suite's cleanup: the message is in flight, so QStash takes the cancel and lets the attempt end. */
async function cleanUp(messageId: string): Promise<void> {
  await client.messages.delete(messageId);
  expect((await client.messages.get(messageId)).messageId).toBe(messageId);
}

describe("the SDK's flow-control suite, step by step", () => {
  test("should publish with flow control, then get flow control info", async () => {
    const messageId = await publishSlow("fc-info");
    const single = await client.flowControl.get("fc-info");
    expect(single.flowControlKey).toBe("fc-info");
    expect(typeof single.waitListSize).toBe("number");
    expect(typeof single.parallelismMax).toBe("number");
    expect(typeof single.parallelismCount).toBe("number");
    await cleanUp(messageId);
  });

  test("should get global parallelism info", async () => {
    const info = await client.flowControl.getGlobalParallelism();
    expect(typeof info.parallelismMax).toBe("number");
    expect(typeof info.parallelismCount).toBe("number");
  });

  test("should pause and resume a flow control key", async () => {
    const messageId = await publishSlow("fc-pause");
    await client.flowControl.pause("fc-pause");
    expect((await client.flowControl.get("fc-pause")).isPaused).toBe(true);
    await client.flowControl.resume("fc-pause");
    expect((await client.flowControl.get("fc-pause")).isPaused).toBe(false);
    await cleanUp(messageId);
  });

  test("should pin and unpin a flow control key configuration", async () => {
    const messageId = await publishSlow("fc-pin");
    await client.flowControl.pin("fc-pin", { parallelism: 3, rate: 20, period: 120 });
    expect(await client.flowControl.get("fc-pin")).toMatchObject({
      isPinnedParallelism: true,
      isPinnedRate: true,
      parallelismMax: 3,
      rateMax: 20,
      ratePeriod: 120,
    });
    await client.flowControl.unpin("fc-pin", { parallelism: true, rate: true });
    expect(await client.flowControl.get("fc-pin")).toMatchObject({ isPinnedParallelism: false, isPinnedRate: false });
    await cleanUp(messageId);
  });

  test("should unpin a single field while keeping the other pinned", async () => {
    const messageId = await publishSlow("fc-unpin-single");
    await client.flowControl.pin("fc-unpin-single", { parallelism: 3, rate: 20, period: 120 });
    await client.flowControl.unpin("fc-unpin-single", { parallelism: true });
    expect(await client.flowControl.get("fc-unpin-single")).toMatchObject({
      isPinnedParallelism: false,
      isPinnedRate: true,
    });
    await cleanUp(messageId);
  });

  test("should reset rate for a flow control key", async () => {
    const messageId = await publishSlow("fc-reset");
    await client.flowControl.pause("fc-reset");
    await client.flowControl.resetRate("fc-reset");
    expect((await client.flowControl.get("fc-reset")).rateCount).toBe(0);
    await cleanUp(messageId);
  });
});

describe("messages.cancel with a flowControlKey filter", () => {
  async function waiting(key: string, n: number): Promise<string[]> {
    const destination = await sink();
    await client.flowControl.pause(key);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(
        (await client.publish({ url: destination.url, body: `${key}-${i}`, flowControl: { key, parallelism: 1 } }))
          .messageId,
      );
    }
    return ids;
  }

  test("one key, several keys, one id, and count", async () => {
    await waiting("c-a", 3);
    await waiting("c-b", 1);
    const [c] = await waiting("c-c", 1);
    await waiting("c-d", 3);
    expect(await client.messages.cancel({ filter: { flowControlKey: "c-a" } })).toEqual({ cancelled: 3 });
    expect(await client.messages.cancel({ filter: { flowControlKey: ["c-b", "c-d"] }, count: 2 })).toEqual({
      cancelled: 2,
    });
    expect(await client.messages.cancel({ filter: { flowControlKey: ["c-b", "c-d"] } })).toEqual({ cancelled: 2 });
    expect(await client.messages.cancel(c as string)).toEqual({ cancelled: 1 });
    for (const key of ["c-a", "c-b", "c-c", "c-d"]) expect((await client.flowControl.get(key)).waitListSize).toBe(0);
  });
});

describe("dlq with a flowControlKey filter", () => {
  test("listMessages by one key and by several, paged with count; retry and delete by key", async () => {
    // Down for the six first attempts (one each: retries 0), then back.
    const down = await scripted([503, 503, 503, 503, 503, 503, 200]);
    const dead: Record<string, string[]> = { "d-a": [], "d-b": [], "d-c": [] };
    for (const [key, n] of [
      ["d-a", 3],
      ["d-b", 2],
      ["d-c", 1],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const { messageId } = await client.publish({
          url: down.hook,
          retries: 0,
          body: `${key}-${i}`,
          flowControl: { key, parallelism: 1 },
        });
        dead[key]?.push(messageId);
      }
      // Each key's dead before the next key's are published: the DLQ lists in the order they died.
      for (const id of dead[key] ?? []) await record.next("dead", id);
    }

    const a = await client.dlq.listMessages({ filter: { flowControlKey: "d-a" } });
    expect(a.messages.map((message) => message.messageId)).toEqual(dead["d-a"]);
    expect(a.messages.every((message) => message.flowControlKey === "d-a" && message.dlqId !== undefined)).toBe(true);
    expect(a.cursor).toBeUndefined();

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await client.dlq.listMessages({
        filter: { flowControlKey: ["d-a", "d-b"] },
        count: 2,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page.messages.map((message) => message.messageId));
      cursor = page.cursor;
    } while (cursor);
    expect(pages).toEqual([dead["d-a"]?.slice(0, 2), [dead["d-a"]?.[2], dead["d-b"]?.[0]], [dead["d-b"]?.[1]]]);

    const retried = await client.dlq.retry({ filter: { flowControlKey: "d-b" } });
    expect(retried.responses).toHaveLength(2);
    expect(retried.cursor).toBeUndefined();
    expect(await client.dlq.delete({ filter: { flowControlKey: ["d-a", "d-c"] }, count: 3 })).toEqual({
      deleted: 3,
      cursor: expect.any(String),
    });
    expect(await client.dlq.delete({ filter: { flowControlKey: ["d-a", "d-c"] } })).toEqual({ deleted: 1 });
    expect((await client.dlq.listMessages()).messages).toEqual([]);
    // New messages through the key's flow control, delivered once each now that the destination is back.
    for (const { messageId } of retried.responses) await record.next("delivered", messageId);
    expect(down.requests.slice(6).map((request) => request.body)).toEqual(["d-b-0", "d-b-1"]);
    await down.close();
  });
});
