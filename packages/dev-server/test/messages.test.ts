// The Messages routes over real HTTP: get one message, cancel one, cancel many with
// QStash's filters. Every exchange is checked against the document that describes it.
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "../src/index.ts";
import { call, expectSpecCompliant, withId } from "./api.ts";
import { eventually, flowControl, publishOk, recorder, sinksPerTest } from "./helpers.ts";

let server: DevServer;
let record: ReturnType<typeof recorder>;
const sink = sinksPerTest();
const held: LoopbackServer[] = [];

beforeEach(async () => {
  record = recorder();
  // Retry delays as QStash waits them, so a message sleeping for its retry stays asleep.
  server = await startDevServer({ port: 0, log: record.log, retryDelayScale: 1 });
});

afterEach(async () => {
  await server.close();
  for (const destination of held.splice(0)) await destination.close();
  expectSpecCompliant();
});

/** A destination that holds each request until `answer(status, messageId)` answers it. */
async function gate() {
  const waiting = new Map<string, (status: number) => void>();
  const destination = await startLoopbackServer(async (request, response) => {
    const id = request.headers["upstash-message-id"] as string;
    response.statusCode = await new Promise<number>((resolve) => waiting.set(id, resolve));
    waiting.delete(id);
    response.end();
  });
  held.push(destination);
  return {
    hook: new URL("/hook", destination.url).href,
    requests: destination.requests,
    open: () => waiting.size,
    answer: (status: number, messageId: string) => waiting.get(messageId)?.(status),
  };
}

const waitList = async (key: string) => (await flowControl(server).get(key)).waitListSize;

describe("GET /v2/messages/{messageId}", () => {
  test("a waiting message is the document's Message: destination, headers, body, settings, key, labels; redacted fields hashed", async () => {
    const destination = await sink();
    await flowControl(server).pause("orders");
    const id = await publishOk(server, destination.url, {
      key: "orders",
      value: "parallelism=2, rate=10, period=1m",
      body: '{"order":1}',
      headers: {
        "content-type": "application/json",
        "upstash-forward-x-tenant": "t1",
        "upstash-forward-x-secret": "s3cret",
        "upstash-redact-fields": "header[x-secret]",
        "upstash-retries": "5",
        "upstash-label": "billing,eu",
      },
    });
    const { status, body } = await call(server, "GET", withId("/v2/messages", id));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      messageId: id,
      url: destination.url,
      method: "POST",
      body: '{"order":1}',
      maxRetries: 5,
      flowControlKey: "orders",
      parallelism: 2,
      rate: 10,
      period: 60,
      label: "billing,eu",
      labels: ["billing", "eu"],
      callerIP: expect.any(String),
      createdAt: expect.any(Number),
      notBefore: expect.any(Number),
    });
    expect(body.header["X-Tenant"]).toEqual(["t1"]);
    expect(body.header["X-Secret"]).toEqual([expect.stringMatching(/^REDACTED:[0-9a-f]{64}$/)]);
    expect(body.header["Content-Type"]).toEqual(["application/json"]);
  });

  test("a delivered or unknown message is 404 {error}", async () => {
    const destination = await sink();
    const id = await publishOk(server, destination.url);
    await record.next("delivered", id);
    expect(await call(server, "GET", withId("/v2/messages", id))).toMatchObject({
      status: 404,
      body: { error: expect.any(String) },
    });
    expect((await call(server, "DELETE", "/v2/messages/msg_unknown")).status).toBe(404);
  });
});

describe("DELETE /v2/messages/{messageId}", () => {
  test("a waiting message leaves its key's waitlist at once and is never delivered", async () => {
    const destination = await sink();
    await flowControl(server).pause("one");
    const ids: string[] = [];
    for (const n of [1, 2, 3])
      ids.push(await publishOk(server, destination.url, { key: "one", value: "parallelism=1", body: `m${n}` }));
    expect(await call(server, "DELETE", withId("/v2/messages", ids[1] as string))).toEqual({
      status: 200,
      body: { cancelled: 1 },
    });
    expect(await waitList("one")).toBe(2);
    expect(record.of("cancelled").map((event) => event.messageId)).toEqual([ids[1]]);
    expect((await call(server, "GET", withId("/v2/messages", ids[1] as string))).status).toBe(404);
    expect((await call(server, "DELETE", withId("/v2/messages", ids[1] as string))).status).toBe(404);
    await flowControl(server).resume("one");
    // One at a time in publish order: had m2 been sent, it would have come before m3.
    await record.next("delivered", ids[2]);
    expect(destination.bodies()).toEqual(["m1", "m3"]);
  });

  test("in flight: the attempt is kept; a failed attempt is its last (no retry, no DLQ), a 2xx still delivers", async () => {
    const destination = await gate();
    const failing = await publishOk(server, destination.hook, { key: "fly", value: "parallelism=2" });
    const passing = await publishOk(server, destination.hook, { key: "fly" });
    await eventually(() => expect(destination.open()).toBe(2));
    expect(await call(server, "DELETE", withId("/v2/messages", failing))).toEqual({
      status: 200,
      body: { cancelled: 1 },
    });
    expect(await call(server, "DELETE", withId("/v2/messages", passing))).toEqual({
      status: 200,
      body: { cancelled: 1 },
    });
    // Still there until its attempt ends, but already cancelled: nothing more to cancel.
    expect((await call(server, "GET", withId("/v2/messages", failing))).status).toBe(200);
    expect(await call(server, "DELETE", withId("/v2/messages", failing))).toEqual({
      status: 200,
      body: { cancelled: 0 },
    });
    expect(await call(server, "DELETE", "/v2/messages", { flowControlKey: "fly" })).toEqual({
      status: 200,
      body: { cancelled: 0 },
    });
    destination.answer(500, failing);
    await record.next("cancelled", failing);
    destination.answer(200, passing);
    await record.next("delivered", passing);
    expect(record.of("retrying")).toEqual([]);
    expect(record.of("dead")).toEqual([]);
    expect(destination.requests).toHaveLength(2);
    expect((await call(server, "GET", "/v2/dlq")).body.messages).toEqual([]);
    expect((await call(server, "GET", withId("/v2/messages", failing))).status).toBe(404);
  });

  test("a message sleeping until its retry is cancelled at once", async () => {
    const destination = await gate();
    const id = await publishOk(server, destination.hook, { headers: { "upstash-retry-delay": "3600000" } });
    await eventually(() => expect(destination.open()).toBe(1));
    destination.answer(500, id);
    await record.next("retrying", id);
    expect(await call(server, "DELETE", withId("/v2/messages", id))).toEqual({ status: 200, body: { cancelled: 1 } });
    await record.next("cancelled", id);
    expect((await call(server, "GET", withId("/v2/messages", id))).status).toBe(404);
  });
});

describe("DELETE /v2/messages: bulk cancel with QStash's filters", () => {
  async function paused(keys: string[], perKey: number, destination: string, headers: Record<string, string> = {}) {
    const ids: Record<string, string[]> = {};
    for (const key of keys) {
      await flowControl(server).pause(key);
      ids[key] = [];
      for (let n = 0; n < perKey; n++)
        ids[key].push(await publishOk(server, destination, { key, value: "parallelism=1", headers }));
    }
    return ids;
  }

  test("flowControlKey: one value, several (repeated or comma-separated), each leaving only the other keys' messages", async () => {
    const destination = await sink();
    await paused(["a", "b", "c", "d"], 3, destination.url);
    expect(await call(server, "DELETE", "/v2/messages", { flowControlKey: "a" })).toEqual({
      status: 200,
      body: { cancelled: 3 },
    });
    expect(await call(server, "DELETE", "/v2/messages", { flowControlKey: ["b", "c"] })).toEqual({
      status: 200,
      body: { cancelled: 6 },
    });
    expect(await waitList("a")).toBe(0);
    expect(await waitList("d")).toBe(3);
    expect(await call(server, "DELETE", "/v2/messages", { flowControlKey: "d,nope" })).toEqual({
      status: 200,
      body: { cancelled: 3 },
    });
    expect(await waitList("d")).toBe(0);
  });

  test("count takes the oldest first; url, host, path, label, fromDate/toDate combine with AND; messageIds wins over the rest", async () => {
    const one = await sink();
    const two = await sink();
    const ids = await paused(["k"], 4, one.url, { "upstash-label": "x" });
    const other = await paused(["j"], 2, two.url, { "upstash-label": "y" });
    expect(await call(server, "DELETE", "/v2/messages", { url: one.url, count: 1 })).toEqual({
      status: 200,
      body: { cancelled: 1 },
    });
    expect((await call(server, "GET", withId("/v2/messages", ids.k?.[0] as string))).status).toBe(404);
    expect(await call(server, "DELETE", "/v2/messages", { label: "y", url: one.url })).toEqual({
      status: 200,
      body: { cancelled: 0 },
    });
    expect(
      await call(server, "DELETE", "/v2/messages", {
        host: new URL(two.url).host,
        path: "/hook",
        label: "x,y",
        count: 1,
      }),
    ).toEqual({
      status: 200,
      body: { cancelled: 1 },
    });
    expect(await call(server, "DELETE", "/v2/messages", { toDate: 0 })).toEqual({
      status: 200,
      body: { cancelled: 0 },
    });
    expect(await call(server, "DELETE", "/v2/messages", { topicName: "t" })).toEqual({
      status: 200,
      body: { cancelled: 0 },
    });
    expect(
      await call(server, "DELETE", "/v2/messages", {
        messageIds: [ids.k?.[1] as string, other.j?.[1] as string],
        url: "http://nowhere/",
      }),
    ).toEqual({
      status: 200,
      body: { cancelled: 2 },
    });
    expect([await waitList("k"), await waitList("j")]).toEqual([2, 0]);
    expect(await call(server, "DELETE", "/v2/messages", { fromDate: 0 })).toEqual({
      status: 200,
      body: { cancelled: 2 },
    });
    expect(await waitList("k")).toBe(0);
  });

  test.each([
    [{ cnt: "0" }, /unknown query parameter "cnt"/],
    [{ count: "0" }, /count must be between 1 and 500/],
    [{ count: "501" }, /count must be between 1 and 500/],
    [{ fromDate: "yesterday" }, /fromDate must be a whole number >= 0, got "yesterday"/],
    [{ count: ["1", "2"] }, /count is given twice/],
    [{ flowControlKey: "a,,b" }, /empty value/],
  ])("%o is 400 and cancels nothing", async (query, error) => {
    const destination = await sink();
    await paused(["z"], 1, destination.url);
    expect(await call(server, "DELETE", "/v2/messages", query)).toEqual({
      status: 400,
      body: { error: expect.stringMatching(error) },
    });
    expect(await waitList("z")).toBe(1);
  });
});
