// Client and server agree, and both agree with the spec: the typed wrapper drives the
// dev server, and every exchange it makes is checked against the merged OpenAPI spec
// (operation, query, declared status, response schema with no undeclared property).
import { createQStashClient } from "@qstash-flow/fetch";
import { FlowControl, NotFoundError } from "@qstash-flow/flow-control";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { queryParameterSchema, startLoopbackServer, valueOutside } from "@qstash-flow/test-utils";
import { type DevServer, startDevServer } from "../src/index.ts";
import { eventually, publishOk, type Sink, startSink } from "./helpers.ts";
import { type Exchange, operationOf, operations, requestProblems, responseProblems } from "./spec.ts";

let server: DevServer;
let sink: Sink;
const exchanges: Exchange[] = [];

/** A fetch that records each exchange; the client under test calls it instead of the global one. */
async function recordingFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const response = await fetch(request);
  exchanges.push({
    method: request.method,
    url: new URL(request.url),
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: await response.clone().text(),
  });
  return response;
}

function options(authScheme: "header" | "query" = "header") {
  return { baseUrl: server.url, token: server.token, maxRetries: 0, authScheme, fetch: recordingFetch };
}

function client(authScheme: "header" | "query" = "header"): FlowControl {
  return new FlowControl(options(authScheme));
}

beforeAll(async () => {
  server = await startDevServer({ port: 0, globalParallelism: 50 });
  sink = await startSink({ hold: true });
});

afterAll(async () => {
  sink.releaseAll();
  await server.close();
  await sink.close();
});

const KEY = "contract/key ü?#";

// Operations of the surface the dev server does not serve yet: it answers each with 501.

describe("the wrapper against the dev server", () => {
  test("every operation, in both auth schemes, with state to report", async () => {
    for (const fc of [client("header"), client("query")]) {
      await fc.pin(KEY, { parallelism: 2, rate: 10, period: "1m" });
      for (let i = 0; i < 3; i++) await publishOk(server, sink.url, { key: KEY, value: "parallelism=1" });
      await eventually(() => expect(sink.open).toBe(2));

      const info = await fc.get(KEY);
      expect(info).toMatchObject({
        flowControlKey: KEY,
        parallelismMax: 2,
        parallelismCount: 2,
        waitListSize: 1,
        rateMax: 10,
        ratePeriod: 60,
        isPinnedParallelism: true,
        isPinnedRate: true,
      });
      expect(await fc.list()).toContainEqual(info);
      expect(await fc.getGlobalParallelism()).toEqual({ parallelismMax: 50, parallelismCount: 2 });

      await fc.pause(KEY);
      expect((await fc.get(KEY)).isPaused).toBe(true);
      await fc.resume(KEY);
      await fc.resetRate(KEY);
      expect((await fc.get(KEY)).rateCount).toBe(0);
      await fc.unpin(KEY, { parallelism: true, rate: true });
      expect(await fc.get(KEY)).toMatchObject({ isPinnedParallelism: false, isPinnedRate: false, parallelismMax: 2 });
      await expect(fc.get("no such key")).rejects.toBeInstanceOf(NotFoundError);

      await eventually(async () => {
        sink.releaseAll();
        expect(await fc.get(KEY)).toMatchObject({ parallelismCount: 0, waitListSize: 0 });
      });
    }
  });

  test("the declared 400s, sent on purpose by the typed client and raw", async () => {
    const typed = createQStashClient(options());
    const path = (flowControlKey: string) => ({ flowControlKey });
    await typed.POST("/v2/flowControl/{flowControlKey}/pin", {
      params: { path: path(KEY), query: { parallelism: 0 } },
      parseAs: "text",
    });
    // unpin's only declared 400 is the missing key: with neither flag it is a 200 no-op.
    for (const action of ["pause", "resume", "unpin", "resetRate"]) {
      const url = new URL(server.url);
      url.pathname = `/v2/flowControl//${action}`;
      await recordingFetch(new Request(url, { method: "POST", headers: { authorization: `Bearer ${server.token}` } }));
    }
    expect(exchanges.slice(-5).map((exchange) => exchange.status)).toEqual([400, 400, 400, 400, 400]);
    const noop = await typed.POST("/v2/flowControl/{flowControlKey}/unpin", {
      params: { path: path(KEY), query: { parallelism: false, rate: false } },
      parseAs: "text",
    });
    expect(noop.response.status).toBe(200);
  });
});

describe("acting on a key's messages, through the wrapper and the typed client", () => {
  test("one message read and cancelled by id; a paused key's backlog cancelled, none delivered after resume", async () => {
    const fc = client();
    const typed = createQStashClient(options());
    const key = "contract/backlog";
    await fc.pause(key);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await publishOk(server, sink.url, { key, value: "parallelism=1" }));
    const messageId = ids[0] as string;
    const read = await typed.GET("/v2/messages/{messageId}", { params: { path: { messageId } } });
    expect(read.data).toMatchObject({ messageId, flowControlKey: key });
    const gone = await typed.DELETE("/v2/messages/{messageId}", { params: { path: { messageId } }, parseAs: "text" });
    expect(gone.response.status).toBe(200);
    const missing = { params: { path: { messageId: "msg_no_such_message" } }, parseAs: "text" } as const;
    expect((await typed.GET("/v2/messages/{messageId}", missing)).response.status).toBe(404);
    expect((await typed.DELETE("/v2/messages/{messageId}", missing)).response.status).toBe(404);

    expect(await fc.cancelMessages(key)).toBe(4);
    expect((await fc.get(key)).waitListSize).toBe(0);
    const delivered = sink.bodies().length;
    await fc.resume(key);
    const marker = await publishOk(server, sink.url, { key, value: "parallelism=1", body: "marker" });
    await eventually(() => expect(sink.bodies()).toContain("marker"));
    sink.releaseAll();
    expect(sink.bodies().length).toBe(delivered + 1);
    expect(marker).toMatch(/\S/);
  });

  test("dead letters listed for their key only, retried once the destination is back, then deleted", async () => {
    const fc = client();
    const typed = createQStashClient(options());
    let down = true;
    const arrived: string[] = [];
    const destination = await startLoopbackServer((request, response) => {
      if (!down) arrived.push(request.body);
      response.statusCode = down ? 500 : 200;
      response.end();
    });
    const [key, other] = ["contract/dead", "contract/dead-other"];
    const headers = { "upstash-retries": "0" };
    for (let i = 0; i < 3; i++)
      await publishOk(server, destination.url, { key, value: "parallelism=1", headers, body: `m${i}` });
    await publishOk(server, destination.url, { key: other, value: "parallelism=1", headers, body: "other" });
    const listed = async (k: string) => {
      const letters = [];
      for await (const page of fc.listDeadLetters(k)) letters.push(...page.messages);
      return letters;
    };
    await eventually(async () => expect(await listed(key)).toHaveLength(3));
    expect((await listed(key)).every((letter) => letter.flowControlKey === key)).toBe(true);

    const nothing = await typed.POST("/v2/dlq/retry", { params: { query: { dlqIds: ["no-such-dlq-id"] } } });
    expect(nothing.response.status).toBe(404);
    down = false;
    expect(await fc.retryDeadLetters(key)).toBe(3);
    await eventually(() => expect(arrived.sort()).toEqual(["m0", "m1", "m2"]));
    expect(await listed(key)).toEqual([]);
    expect(await fc.deleteDeadLetters(other)).toBe(1);
    expect(await listed(other)).toEqual([]);
    await destination.close();
  });
});

describe("every exchange matches the spec", () => {
  test("requests made by the client declare only what the spec declares", () => {
    const made = exchanges.filter((exchange) => exchange.status < 400 || exchange.status === 404);
    expect(made.length).toBeGreaterThan(10);
    expect(made.flatMap(requestProblems)).toEqual([]);
  });

  test("responses: declared statuses and bodies that match their schemas", () => {
    expect(exchanges.flatMap(responseProblems)).toEqual([]);
  });

  test("every operation and each of its declared responses were exercised", () => {
    const seen = new Set(exchanges.map((exchange) => `${operationOf(exchange)?.id} ${exchange.status}`));
    const declared = operations.flatMap((op) => Object.keys(op.responses).map((status) => `${op.id} ${status}`));
    expect(operations.length).toBeGreaterThanOrEqual(14);
    // An unexpected server failure is the one declared response a healthy server cannot be made to give.
    const reachable = declared.filter((entry) => !entry.endsWith(" 500"));
    expect(reachable.filter((entry) => !seen.has(entry))).toEqual([]);
  });

  test("the checker itself rejects what the spec does not allow", () => {
    const exchange = (over: Partial<Exchange>): Exchange => ({
      method: "GET",
      url: new URL("/v2/flowControl/k", server.url),
      status: 200,
      contentType: "application/json",
      body: '{"flowControlKey":"k"}',
      ...over,
    });
    expect(responseProblems(exchange({}))).toEqual([]);
    expect(responseProblems(exchange({ body: '{"waitlistSize":1}' }))).toHaveLength(1);
    expect(responseProblems(exchange({ body: '{"rateCount":"1"}' }))).toHaveLength(1);
    expect(responseProblems(exchange({ status: 401 }))).toHaveLength(1);
    expect(responseProblems(exchange({ status: 404, body: '{"message":"x"}' }))).toHaveLength(1);
    const pin = new URL("/v2/flowControl/k/pin", server.url);
    // outside the declared schema, whatever this version of upstream declares; and undeclared
    const refused = valueOutside(queryParameterSchema("post", "/v2/flowControl/{flowControlKey}/pin", "parallelism"));
    pin.search = `parallelism=${refused}&burst=1`;
    expect(requestProblems(exchange({ method: "POST", url: pin }))).toHaveLength(2);
  });
});
