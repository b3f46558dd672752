// Failed deliveries, retried as QStash retries them, with the official SDK publishing
// and real loopback destinations. Every wait is on an event or a request, never on time:
// the server's retryDelayScale makes QStash's backoff milliseconds.
import { Client, Receiver } from "@upstash/qstash";
import { afterEach, describe, expect, test } from "vitest";
import { type DevServerOptions, startDevServer } from "../src/index.ts";
import { startLoopbackServer } from "@qstash-flow/test-utils";
import { eventually, recorder, scripted, sinksPerTest } from "./helpers.ts";

const started: Array<{ close(): Promise<void> }> = [];
const sink = sinksPerTest();
afterEach(async () => {
  for (const item of started.splice(0).reverse()) await item.close();
});

async function setup(options: DevServerOptions = {}) {
  const record = recorder();
  const server = await startDevServer({ port: 0, log: record.log, ...options });
  started.push(server);
  const client = new Client({
    baseUrl: server.url,
    token: server.token,
    devMode: false,
    retry: false,
    enableTelemetry: false,
  });
  const receiver = new Receiver({
    currentSigningKey: server.currentSigningKey,
    nextSigningKey: server.nextSigningKey,
  });
  return { server, client, receiver, record };
}

async function destination(script: number[], reply?: Parameters<typeof scripted>[1]) {
  const server = await scripted(script, reply);
  started.push(server);
  return server;
}

describe("retries", () => {
  test("fails twice, then delivered on the third attempt with Upstash-Retried 0, 1, 2 and QStash's backoff, scaled by the default", async () => {
    const { client, record } = await setup();
    const flaky = await destination([500, 502, 200]);
    const { messageId } = await client.publishJSON({
      url: flaky.hook,
      body: { n: 1 },
      flowControl: { key: "flaky", parallelism: 1 },
    });
    await record.next("delivered", messageId);
    expect(flaky.requests.map((request) => request.headers["upstash-retried"])).toEqual(["0", "1", "2"]);
    expect(new Set(flaky.requests.map((request) => request.headers["upstash-message-id"]))).toEqual(
      new Set([messageId]),
    );
    expect(record.of("attempt").map((event) => event.status)).toEqual([500, 502, 200]);
    // min(1 day, e^(2.5 n)) s for retry n, times the default scale 0.001.
    expect(record.of("retrying").map(({ retried, delay }) => ({ retried, delay }))).toEqual([
      { retried: 1, delay: Math.round(Math.exp(2.5)) },
      { retried: 2, delay: Math.round(Math.exp(5)) },
    ]);
    expect(record.of("dead")).toEqual([]);
  });

  test("retries stay within the key's parallelism: never more than 2 attempts open at once", async () => {
    const { client, record } = await setup({ retryDelayScale: 0 });
    const attempts = new Map<string, number>();
    let open = 0;
    let maxOpen = 0;
    const slow = await startLoopbackServer(async (request, response) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      // Held across a few turns of the event loop, so a third attempt started now would overlap.
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
      const id = request.headers["upstash-message-id"] as string;
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      open--;
      response.statusCode = attempts.get(id) === 1 ? 500 : 200;
      response.end();
    });
    started.push(slow);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { messageId } = await client.publish({
        url: slow.url,
        body: `m${i}`,
        flowControl: { key: "pair", parallelism: 2 },
      });
      ids.push(messageId);
    }
    for (const id of ids) await record.next("delivered", id);
    expect(maxOpen).toBeLessThanOrEqual(2);
    for (const id of ids) {
      const retried = slow.requests
        .filter((r) => r.headers["upstash-message-id"] === id)
        .map((r) => r.headers["upstash-retried"]);
      expect(retried).toEqual(["0", "1"]);
    }
  });

  test("a message waiting for its retry holds no slot of its key", async () => {
    const { server, client, record } = await setup({ retryDelayScale: 1 });
    const failing = await destination([500]);
    const ok = await sink();
    const flowControl = { key: "one-at-a-time", parallelism: 1 };
    // A minute's wait at scale 1: the retry is still waiting when the test ends.
    const { messageId: waiting } = await client.publishJSON({
      url: failing.hook,
      body: "a",
      retryDelay: "60000",
      flowControl,
    });
    const retrying = await record.next("retrying", waiting);
    expect(retrying).toMatchObject({ delay: 60_000, qstashDelay: 60_000, retried: 1 });
    const { messageId: next } = await client.publishJSON({ url: ok.url, body: "b", flowControl });
    await record.next("delivered", next);
    expect(await client.flowControl.get("one-at-a-time")).toMatchObject({ waitListSize: 0, parallelismMax: 1 });
    expect(record.of("attempt").filter((event) => event.messageId === waiting)).toHaveLength(1);
    await server.close();
    expect(record.of("dropped").map((event) => event.messageId)).toEqual([waiting]);
  });

  test("a retry counts against the key's rate like any delivery", async () => {
    const { client, record } = await setup({ retryDelayScale: 0 });
    const flaky = await destination([500, 200]);
    const ok = await sink();
    const flowControl = { key: "rated", rate: 2, period: "1h" } as const;
    const { messageId } = await client.publishJSON({ url: flaky.hook, body: "a", flowControl });
    await record.next("delivered", messageId);
    await client.publishJSON({ url: ok.url, body: "b", flowControl });
    // Two attempts spent the period's two starts: the new message waits.
    expect(await client.flowControl.get("rated")).toMatchObject({ rateCount: 2, rateMax: 2, waitListSize: 1 });
    expect(ok.bodies()).toEqual([]);
  });

  test("a 307 is a failed attempt: the redirect is not followed", async () => {
    const { client, record } = await setup();
    const target = await sink();
    const redirecting = await destination([307], { headers: { location: target.url } });
    const { messageId } = await client.publish({ url: redirecting.hook, body: "x", retries: 0 });
    expect(await record.next("dead", messageId)).toMatchObject({ status: 307, retried: 0, maxRetries: 0 });
    expect(target.bodies()).toEqual([]);
  });

  test("489 with Upstash-NonRetryable-Error: true is dead at once, retries left or not", async () => {
    const { client, record } = await setup();
    const refusing = await destination([489], { headers: { "upstash-nonretryable-error": "true" } });
    const { messageId } = await client.publish({ url: refusing.hook, body: "x", retries: 5 });
    expect(await record.next("dead", messageId)).toMatchObject({ status: 489, retried: 0, maxRetries: 5 });
    expect(refusing.requests).toHaveLength(1);
  });

  test("the destination's Retry-After sets the delay, Upstash-Retry-Delay replaces the backoff", async () => {
    const { client, record } = await setup({ retryDelayScale: 0.0001 });
    const busy = await destination([503, 200], { headers: { "retry-after": "10" } });
    const { messageId: told } = await client.publish({
      url: busy.hook,
      body: "x",
      retryDelay: "pow(2, retried) * 1000",
    });
    expect(await record.next("retrying", told)).toMatchObject({ qstashDelay: 10_000, delay: 1 });
    const failing = await destination([500, 500, 200]);
    const { messageId: custom } = await client.publish({
      url: failing.hook,
      body: "x",
      retryDelay: "1000 * (1 + retried)",
    });
    await record.next("delivered", custom);
    const delays = record.of("retrying").filter((event) => event.messageId === custom);
    expect(delays.map((event) => event.qstashDelay)).toEqual([1000, 2000]);
  });
});

describe("nothing disappears", () => {
  test("a destination that always fails ends dead after its retries, logged by id, destination and last answer; the failure callback arrives signed", async () => {
    const { client, receiver, record } = await setup({ retryDelayScale: 0 });
    const broken = await destination([500], { body: "nope", headers: { "x-why": "down" } });
    const failures = await sink();
    const { messageId } = await client.publishJSON({
      url: broken.hook,
      body: { order: 7 },
      retries: 2,
      failureCallback: failures.url,
      label: "orders",
      flowControl: { key: "doomed", parallelism: 1 },
    });
    const dead = await record.next("dead", messageId);
    expect(dead).toMatchObject({ status: 500, retried: 2, maxRetries: 2, flowControlKey: "doomed", label: "orders" });
    expect(broken.requests).toHaveLength(3);
    const { formatDevServerEvent } = await import("../src/index.ts");
    const line = formatDevServerEvent(dead);
    for (const part of [messageId, broken.hook, "500", dead.dlqId]) expect(line).toContain(part);

    await eventually(() => expect(failures.bodies()).toHaveLength(1));
    const [request] = failures.server.requests;
    await expect(
      receiver.verify({
        signature: request?.headers["upstash-signature"] as string,
        body: request?.body as string,
        url: failures.url,
      }),
    ).resolves.toBe(true);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body as string)).toEqual({
      status: 500,
      header: expect.objectContaining({ "X-Why": ["down"] }),
      body: Buffer.from("nope").toString("base64"),
      retried: 2,
      maxRetries: 2,
      dlqId: dead.dlqId,
      sourceMessageId: messageId,
      url: broken.hook,
      method: "POST",
      sourceHeader: expect.objectContaining({ "Content-Type": ["application/json"] }),
      sourceBody: Buffer.from(JSON.stringify({ order: 7 })).toString("base64"),
      notBefore: expect.stringMatching(/^\d+$/),
      createdAt: expect.stringMatching(/^\d+$/),
      callerIP: "127.0.0.1",
    });
    expect(record.of("callback")).toContainEqual(
      expect.objectContaining({ kind: "failureCallback", sourceMessageId: messageId, destination: failures.url }),
    );
  });

  test("callback gets every answer of the destination in QStash's callback body, signed", async () => {
    const { client, receiver, record } = await setup({ retryDelayScale: 0 });
    const flaky = await destination([500, 201], { body: "done" });
    const answers = await sink();
    const { messageId } = await client.publish({ url: flaky.hook, body: "job", callback: answers.url });
    await record.next("delivered", messageId);
    await eventually(() => expect(answers.bodies()).toHaveLength(2));
    const bodies = answers.server.requests.map((request) => JSON.parse(request.body) as Record<string, unknown>);
    const byRetried = bodies.sort((a, b) => (a.retried as number) - (b.retried as number));
    expect(byRetried.map(({ status, retried, maxRetries }) => ({ status, retried, maxRetries }))).toEqual([
      { status: 500, retried: 0, maxRetries: 3 },
      { status: 201, retried: 1, maxRetries: 3 },
    ]);
    expect(byRetried[1]).toMatchObject({ body: Buffer.from("done").toString("base64"), sourceMessageId: messageId });
    expect(byRetried[1]).not.toHaveProperty("dlqId");
    for (const request of answers.server.requests) {
      await expect(
        receiver.verify({
          signature: request.headers["upstash-signature"] as string,
          body: request.body,
          url: answers.url,
        }),
      ).resolves.toBe(true);
    }
  });
});
