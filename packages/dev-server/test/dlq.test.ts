// The DLQ routes over real HTTP: messages that exhausted their retries, listed, read,
// deleted and retried, one by one or by QStash's filters, paged with count and cursor.
// Every exchange is checked against the document that describes it.
import { startLoopbackServer } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "../src/index.ts";
import { call, expectSpecCompliant, withId } from "./api.ts";
import { flowControl, publishOk, recorder } from "./helpers.ts";

let server: DevServer;
let record: ReturnType<typeof recorder>;
let destination: Awaited<ReturnType<typeof switchable>>;

/** A destination that answers `down` (503, with a body) until `up()`. */
async function switchable() {
  let down = true;
  const loopback = await startLoopbackServer((_request, response) => {
    response.writeHead(down ? 503 : 200, { "x-reason": down ? "maintenance" : "ok" });
    response.end(down ? "down for maintenance" : "ok");
  });
  return Object.assign(loopback, { hook: new URL("/hook", loopback.url).href, up: () => (down = false) });
}

beforeEach(async () => {
  record = recorder();
  server = await startDevServer({ port: 0, log: record.log, retryDelayScale: 0 });
  destination = await switchable();
});

afterEach(async () => {
  await server.close();
  await destination.close();
  expectSpecCompliant();
});

/** Publishes `n` messages of `key` with one retry and waits until each is dead. */
async function dead(key: string | undefined, n: number, headers: Record<string, string> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      await publishOk(server, destination.hook, {
        ...(key === undefined ? {} : { key, value: "parallelism=1" }),
        body: `${key}-${i}`,
        headers: { "upstash-retries": "1", ...headers },
      }),
    );
  }
  for (const id of ids) await record.next("dead", id);
  return ids;
}

const list = async (query: Record<string, string | number | Array<string | number>> = {}) => {
  const answer = await call(server, "GET", "/v2/dlq", query);
  expect(answer.status).toBe(200);
  return answer.body as { messages: Array<Record<string, any>>; cursor?: string };
};

/** Every page of a listing, following the cursor. */
async function allPages(query: Record<string, string | number | Array<string | number>>) {
  const pages: Array<Record<string, any>[]> = [];
  let cursor: string | undefined;
  do {
    const page = await list({ ...query, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.messages);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return pages;
}

describe("GET /v2/dlq and /v2/dlq/{dlqId}", () => {
  test("every message that exhausted its retries, with its last answer, filtered by key (one or several) and paged", async () => {
    const a = await dead("a", 3, { "upstash-label": "red" });
    const b = await dead("b", 2);
    const none = await dead(undefined, 1);
    const all = await list();
    expect(all.messages.map((message) => message.messageId)).toEqual([...a, ...b, ...none]);
    expect(all.cursor).toBeUndefined();
    expect(all.messages[0]).toMatchObject({
      dlqId: expect.stringMatching(/^\d+-\d+$/),
      url: destination.hook,
      body: "a-0",
      flowControlKey: "a",
      parallelism: 1,
      maxRetries: 1,
      labels: ["red"],
      responseStatus: 503,
      responseBody: "down for maintenance",
      responseHeader: expect.objectContaining({ "X-Reason": ["maintenance"] }),
    });
    expect((await list({ flowControlKey: "a" })).messages.map((message) => message.messageId)).toEqual(a);
    expect((await list({ flowControlKey: ["a", "b"] })).messages).toHaveLength(5);
    expect((await list({ flowControlKey: "b,nope" })).messages.map((message) => message.messageId)).toEqual(b);
    expect((await allPages({ flowControlKey: "a,b", count: 2 })).map((page) => page.length)).toEqual([2, 2, 1]);
    expect((await list({ label: "red", responseStatus: 503 })).messages).toHaveLength(3);
    expect((await list({ responseStatus: [500, 502] })).messages).toEqual([]);
    expect((await list({ messageId: b[1] as string })).messages.map((message) => message.flowControlKey)).toEqual([
      "b",
    ]);
    expect((await list({ url: destination.hook, topicName: "t" })).messages).toEqual([]);

    const one = all.messages[3] as { dlqId: string };
    expect(await call(server, "GET", withId("/v2/dlq", one.dlqId))).toMatchObject({
      status: 200,
      body: all.messages[3],
    });
    expect(await call(server, "GET", "/v2/dlq/1-999")).toMatchObject({
      status: 404,
      body: { error: expect.any(String) },
    });
  });

  test.each([
    [{ count: 101 }, /count must be between 1 and 100/],
    [{ host: "127.0.0.1" }, /unknown query parameter "host"/],
    [{ cursor: "somewhere" }, /cursor "somewhere" is not one the dev server gave/],
    [{ responseStatus: "5xx" }, /responseStatus must be integers/],
  ])("%o is 400 {error}", async (query, error) => {
    expect(await call(server, "GET", "/v2/dlq", query)).toEqual({
      status: 400,
      body: { error: expect.stringMatching(error) },
    });
  });
});

describe("DELETE /v2/dlq and /v2/dlq/{dlqId}", () => {
  test("one by id, then a key's in pages of count, leaving the other keys' alone", async () => {
    await dead("a", 5);
    const b = await dead("b", 1);
    const [first] = (await list({ flowControlKey: "a" })).messages as Array<{ dlqId: string }>;
    expect(await call(server, "DELETE", withId("/v2/dlq", first?.dlqId as string))).toEqual({
      status: 200,
      body: undefined,
    });
    expect((await call(server, "DELETE", withId("/v2/dlq", first?.dlqId as string))).status).toBe(404);
    const page = await call(server, "DELETE", "/v2/dlq", { flowControlKey: "a", count: 3 });
    expect(page).toEqual({ status: 200, body: { deleted: 3, cursor: expect.any(String) } });
    expect(
      await call(server, "DELETE", "/v2/dlq", { flowControlKey: "a", count: 3, cursor: page.body.cursor }),
    ).toEqual({
      status: 200,
      body: { deleted: 1 },
    });
    expect((await list()).messages.map((message) => message.messageId)).toEqual(b);
    expect(await call(server, "DELETE", "/v2/dlq", { dlqIds: "1-999", flowControlKey: "b" })).toEqual({
      status: 200,
      body: { deleted: 0 },
    });
    expect(await call(server, "DELETE", "/v2/dlq")).toEqual({ status: 200, body: { deleted: 1 } });
    expect((await list()).messages).toEqual([]);
  });
});

describe("POST /v2/dlq/retry and /v2/dlq/retry/{dlqId}", () => {
  test("a retried dead message is a new message through its key's flow control, delivered once the destination is back", async () => {
    const a = await dead("a", 3);
    await dead("b", 2);
    destination.up();
    await flowControl(server).pause("a");
    const [first, ...rest] = (await list({ flowControlKey: "a" })).messages as Array<{
      dlqId: string;
      messageId: string;
    }>;
    const single = await call(server, "POST", `/v2/dlq/retry/${first?.dlqId}`);
    expect(single).toEqual({ status: 201, body: { messageId: expect.stringMatching(/^msg_/) } });
    expect(single.body.messageId).not.toBe(a[0]);
    const page = await call(server, "POST", "/v2/dlq/retry", { flowControlKey: "a", count: 1 });
    expect(page).toEqual({
      status: 201,
      body: { responses: [{ messageId: expect.any(String) }], cursor: rest[0]?.dlqId },
    });
    const last = await call(server, "POST", "/v2/dlq/retry", { flowControlKey: "a", cursor: page.body.cursor });
    expect(last).toEqual({ status: 201, body: { responses: [{ messageId: expect.any(String) }] } });
    // Paused: the key's flow control holds them, in its waitlist.
    expect(await flowControl(server).get("a")).toMatchObject({ waitListSize: 3 });
    expect((await list()).messages.map((message) => message.flowControlKey)).toEqual(["b", "b"]);
    expect(record.of("published").filter((event) => event.dlqId !== undefined)).toHaveLength(3);
    await flowControl(server).resume("a");
    const retried = [single.body.messageId, page.body.responses[0].messageId, last.body.responses[0].messageId];
    for (const id of retried) await record.next("delivered", id);
    const bodies = destination.requests
      .filter((request) => request.headers["upstash-retried"] === "0")
      .map((r) => r.body);
    expect(bodies.filter((body) => body.startsWith("a-")).sort()).toEqual(["a-0", "a-0", "a-1", "a-1", "a-2", "a-2"]);
  });

  test("with dlqIds, one not in the DLQ is 404 and nothing is retried; an override not implemented is refused by name; an unknown id is 404", async () => {
    await dead("a", 1);
    const [one] = (await list()).messages as Array<{ dlqId: string }>;
    expect(await call(server, "POST", "/v2/dlq/retry", { dlqIds: [one?.dlqId as string, "1-999"] })).toEqual({
      status: 404,
      body: { error: expect.stringMatching(/1-999/) },
    });
    for (const header of ["upstash-flow-control-key", "upstash-deduplication-id", "upstash-forward-x-a"]) {
      expect(await call(server, "POST", `/v2/dlq/retry/${one?.dlqId}`, {}, { [header]: "x" })).toEqual({
        status: 501,
        body: { error: expect.stringMatching(/does not override this on a DLQ retry/) },
      });
    }
    expect(await call(server, "POST", "/v2/dlq/retry", {}, { "upstash-retries": "many" })).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/^Upstash-Retries must be/) },
    });
    expect((await call(server, "POST", "/v2/dlq/retry/1-999")).status).toBe(404);
    expect((await list()).messages).toHaveLength(1);
    expect(await call(server, "POST", "/v2/dlq/retry", { dlqIds: one?.dlqId as string })).toMatchObject({
      status: 201,
    });
    expect((await list()).messages).toEqual([]);
  });

  test("publish headers on a retry override the dead message's settings; the rest it keeps", async () => {
    const [id] = await dead("a", 1, { "upstash-label": "first", "upstash-forward-x-tenant": "t1" });
    const [one] = (await list()).messages as Array<{ dlqId: string }>;
    const retried = await call(
      server,
      "POST",
      `/v2/dlq/retry/${one?.dlqId}`,
      {},
      {
        "upstash-retries": "0",
        "upstash-method": "PUT",
        "upstash-label": "again",
      },
    );
    expect(retried.status).toBe(201);
    const again = await record.next("dead", retried.body.messageId);
    // One attempt (retries 0), still down: dead again, with the new label and method.
    expect(again).toMatchObject({ retried: 0, maxRetries: 0, label: "again", flowControlKey: "a" });
    const attempts = destination.requests.filter(
      (request) => request.headers["upstash-message-id"] === retried.body.messageId,
    );
    expect(attempts.map((request) => [request.method, request.headers["x-tenant"], request.body])).toEqual([
      ["PUT", "t1", "a-0"],
    ]);
    expect(id).not.toBe(retried.body.messageId);
  });
});
