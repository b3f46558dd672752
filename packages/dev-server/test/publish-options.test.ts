// The publish headers of the README's table, each doing what the table says, with the
// official SDK publishing to real loopback destinations. Waits are on events and
// requests; the one time-based check (a delayed message) compares clocks, not speed.
import { Client } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "../src/index.ts";
import { barrier, eventually, publish, recorder, sinksPerTest } from "./helpers.ts";

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

describe("deduplication", () => {
  test("a duplicate deduplicationId is answered with the first id and delivered once", async () => {
    const destination = await sink();
    const first = await client.publishJSON({ url: destination.url, body: { n: 1 }, deduplicationId: "order-1" });
    const again = await client.publishJSON({ url: destination.url, body: { n: 2 }, deduplicationId: "order-1" });
    expect(again).toEqual({ messageId: first.messageId, deduplicated: true });
    expect(first).not.toHaveProperty("deduplicated");
    await barrier(server, destination);
    expect(destination.bodies().filter((body) => body.startsWith("{"))).toEqual(['{"n":1}']);
    expect(record.of("deduplicated")).toContainEqual(expect.objectContaining({ messageId: first.messageId }));
  });

  test("the duplicate's answer is 202, as QStash documents", async () => {
    const destination = await sink();
    const headers = { "Upstash-Deduplication-Id": "raw-202" };
    expect((await publish(server, destination.url, { headers })).status).toBe(201);
    expect((await publish(server, destination.url, { headers })).status).toBe(202);
  });

  test("content-based: the same destination, body and headers are one message; another body is another", async () => {
    const destination = await sink();
    const send = (body: string) => client.publish({ url: destination.url, body, contentBasedDeduplication: true });
    const first = await send("same");
    expect((await send("same")).messageId).toBe(first.messageId);
    expect((await send("other")).messageId).not.toBe(first.messageId);
    await barrier(server, destination);
    expect(destination.bodies().filter((body) => !body.startsWith("barrier"))).toEqual(["same", "other"]);
  });
});

describe("timing", () => {
  test("Upstash-Timeout bounds each attempt: an unanswered one fails and is retried", async () => {
    const destination = await sink({ hold: true });
    const { messageId } = await client.publish({ url: destination.url, body: "slow", timeout: "1s", retries: 1 });
    const dead = await record.next("dead", messageId);
    expect(dead).toMatchObject({ retried: 1, error: "no response within 1000 ms" });
    expect(record.of("attempt").filter((event) => event.messageId === messageId)).toHaveLength(2);
  });

  test("notBefore in the past is delivered now", async () => {
    const destination = await sink();
    const { messageId } = await client.publish({ url: destination.url, body: "late", notBefore: 1_000_000_000 });
    await record.next("delivered", messageId);
    expect(destination.bodies()).toEqual(["late"]);
  });

  test("notBefore in the future and delay hold the first attempt until then", async () => {
    const destination = await sink();
    const notBefore = Math.ceil(Date.now() / 1000) + 1;
    const { messageId: timed } = await client.publish({ url: destination.url, body: "timed", notBefore });
    const { messageId: delayed } = await client.publish({ url: destination.url, body: "delayed", delay: 1 });
    for (const messageId of [timed, delayed]) {
      const due = (await record.next("published", messageId)).notBefore as number;
      await record.next("attempt", messageId);
      // Compared with the clock, not timed: the attempt ended after it was due.
      expect(Date.now()).toBeGreaterThanOrEqual(due);
    }
    expect((await record.next("published", timed)).notBefore).toBe(notBefore * 1000);
    expect(destination.bodies().sort()).toEqual(["delayed", "timed"]);
  });
});

describe("delivery", () => {
  test("method: the destination gets the message with the method asked for", async () => {
    const destination = await sink();
    const { messageId } = await client.publish({ url: destination.url, body: "put", method: "PUT" });
    await record.next("delivered", messageId);
    expect(destination.server.requests.map((request) => request.method)).toEqual(["PUT"]);
  });

  test("redact changes nothing on the wire: the destination gets the original body and headers", async () => {
    const destination = await sink();
    const { messageId } = await client.publish({
      url: destination.url,
      body: "secret",
      headers: { Authorization: "Bearer app" },
      redact: { body: true, header: ["Authorization"] },
    });
    await record.next("delivered", messageId);
    expect(destination.server.requests[0]).toMatchObject({ body: "secret", headers: { authorization: "Bearer app" } });
    expect(JSON.stringify(record.events)).not.toContain("secret");
  });

  test("Upstash-Callback-* headers configure the callback message: method, retries and forwarded headers", async () => {
    const destination = await sink();
    const callbacks = await sink({ status: 500 });
    const { messageId } = await client.publish({
      url: destination.url,
      body: "x",
      callback: callbacks.url,
      headers: {
        "Upstash-Callback-Method": "PUT",
        "Upstash-Callback-Retries": "1",
        "Upstash-Callback-Forward-X-Token": "cb",
      },
    });
    const spawned = await record.next("callback");
    expect(spawned).toMatchObject({ kind: "callback", sourceMessageId: messageId });
    const dead = await record.next("dead", spawned.messageId);
    expect(dead).toMatchObject({ retried: 1, maxRetries: 1, status: 500 });
    expect(callbacks.server.requests.map((request) => [request.method, request.headers["x-token"]])).toEqual([
      ["PUT", "cb"],
      ["PUT", "cb"],
    ]);
  });
});

test("a message with a label carries it on its events", async () => {
  const destination = await sink();
  const { messageId } = await client.publish({ url: destination.url, body: "l", label: "billing" });
  expect(await record.next("delivered", messageId)).toMatchObject({ label: "billing" });
  await eventually(() => expect(destination.bodies()).toEqual(["l"]));
});
