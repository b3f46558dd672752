// A key's messages and dead letters through the wrapper, against a loopback QStash that
// answers with the shapes of upstream's document (the dev server answers these with 501
// until issue #27's dev-server part lands; the end-to-end proof against it is still due).
import { handlerFetch, json, type MessagesServer, startMessagesServer } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  AbortError,
  cancelMessages,
  countDeadLetters,
  type DeadLetterPage,
  deleteDeadLetters,
  FlowControl,
  InternalServerError,
  listDeadLetters,
  QStashError,
  retryDeadLetters,
  ValidationError,
} from "../src/index.ts";

const KEY = "orders/eu ü?#";
const OTHER = "orders/us";
let server: MessagesServer;
let flow: FlowControl;

async function start(options = {}) {
  server = await startMessagesServer(options);
  flow = new FlowControl({ token: server.token, baseUrl: server.url });
}

beforeEach(() => start());
afterEach(() => server.close());

/** Each request as `METHOD /path?name=value&...`, values decoded as the server reads them. */
const queries = () =>
  server.requests.map((r) => {
    const url = new URL(r.rawUrl, "http://x");
    return `${r.method} ${url.pathname}?${[...url.searchParams].map(([name, value]) => `${name}=${value}`).join("&")}`;
  });
const keysOf = (list: { flowControlKey?: string }[]) => [...new Set(list.map((m) => m.flowControlKey))];

async function collect(pages: AsyncIterable<DeadLetterPage>): Promise<DeadLetterPage[]> {
  const all: DeadLetterPage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

describe("cancelMessages", () => {
  test("cancels every waiting message of the key, page by page, and no other key's", async () => {
    server.publish(KEY, 1201);
    server.publish(OTHER, 5);
    server.publish(undefined, 2);
    expect(await flow.cancelMessages(KEY)).toBe(1201);
    expect(keysOf(server.messages)).toEqual([OTHER, undefined]);
    expect(server.messages).toHaveLength(7);
    // 500 + 500 + 201: the last page was short, so nothing remained.
    expect(queries()).toEqual(Array(3).fill(`DELETE /v2/messages?flowControlKey=${KEY}&count=500`));
  });

  test("the function form, on a key with nothing waiting: 0 after one call", async () => {
    server.publish(OTHER, 3);
    expect(await cancelMessages(flow.transport, KEY)).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.messages).toHaveLength(3);
  });

  test("a 5xx is not sent again (the cancel may have happened), and names the call and key", async () => {
    server.publish(KEY, 3);
    server.failNext(503);
    const error = await flow.cancelMessages(KEY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ operation: "cancelMessages", key: KEY });
    expect(server.requests).toHaveLength(1);
  });

  test("a 429 was refused before any work: retried, and the cancel completes", async () => {
    server.publish(KEY, 3);
    server.failNext(429);
    expect(await flow.cancelMessages(KEY)).toBe(3);
    expect(server.requests).toHaveLength(2);
  });
});

describe("retryDeadLetters", () => {
  test("retries every dead letter of the key as new messages of the key, until no cursor comes", async () => {
    await server.close();
    await start({ retryPage: 40 });
    server.kill(KEY, 100);
    server.kill(OTHER, 3);
    expect(await retryDeadLetters(flow.transport, KEY)).toBe(100);
    expect(keysOf(server.deadLetters)).toEqual([OTHER]);
    expect(server.messages).toHaveLength(100);
    expect(keysOf(server.messages)).toEqual([KEY]);
    // 40 + 40 + 20, the same request each time: the retried ones have left the DLQ.
    expect(queries()).toEqual(Array(3).fill(`POST /v2/dlq/retry?flowControlKey=${KEY}`));
  });

  test("a key without dead letters: 0", async () => {
    server.kill(OTHER, 2);
    expect(await flow.retryDeadLetters(KEY)).toBe(0);
    expect(server.deadLetters).toHaveLength(2);
  });

  test("a connection lost after sending is not retried: dead letters are never retried twice", async () => {
    server.kill(KEY, 2);
    const lossy = new FlowControl({
      token: server.token,
      baseUrl: server.url,
      fetch: async (input, init) => {
        await fetch(input, init);
        throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
      },
    });
    await expect(lossy.retryDeadLetters(KEY)).rejects.toThrow(/not retried, as it may have arrived/);
    expect(server.requests).toHaveLength(1);
    expect(server.messages).toHaveLength(2);
  });
});

describe("deleteDeadLetters", () => {
  test("deletes every dead letter of the key, following the cursor", async () => {
    server.kill(KEY, 120);
    server.kill(OTHER, 7);
    server.kill(KEY, 130);
    expect(await flow.deleteDeadLetters(KEY)).toBe(250);
    expect(keysOf(server.deadLetters)).toEqual([OTHER]);
    const wire = queries();
    expect(wire).toHaveLength(3);
    expect(wire[0]).toBe(`DELETE /v2/dlq?flowControlKey=${KEY}&count=100`);
    expect(wire[1]).toMatch(/^DELETE \/v2\/dlq\?flowControlKey=.*&count=100&cursor=dlq_\d+$/);
  });

  test("function form", async () => {
    server.kill(KEY, 1);
    expect(await deleteDeadLetters(flow.transport, KEY)).toBe(1);
  });
});

describe("listDeadLetters", () => {
  test("pages of the key's dead letters only, as the API sent them, across the whole DLQ", async () => {
    for (let i = 0; i < 3; i++) {
      server.kill(KEY, 50);
      server.kill(OTHER, 50);
    }
    server.kill(OTHER, 100);
    const pages = await collect(flow.listDeadLetters(KEY));
    // Four pages of 100 were read; the last held none of the key's and was not yielded.
    expect(pages.map((page) => page.messages.length)).toEqual([50, 50, 50]);
    expect(pages.flatMap((page) => page.messages)).toEqual(server.deadLetters.filter((d) => d.flowControlKey === KEY));
    expect(server.requests).toHaveLength(4);
    // GET /v2/dlq takes no flowControlKey in upstream's document: never sent.
    expect(queries().every((q) => q.startsWith("GET /v2/dlq?count=100"))).toBe(true);
  });

  test("stopping the iteration stops the reading", async () => {
    server.kill(KEY, 250);
    for await (const page of listDeadLetters(flow.transport, KEY)) {
      expect(page.messages).toHaveLength(100);
      expect(page.cursor).toMatch(/^dlq_/);
      break;
    }
    expect(server.requests).toHaveLength(1);
  });
});

describe("countDeadLetters", () => {
  test("dead letters per key across every page; messages without a key are not counted", async () => {
    server.kill(KEY, 130);
    server.kill(undefined, 20);
    server.kill(OTHER, 60);
    expect(await flow.countDeadLetters()).toEqual(
      new Map([
        [KEY, 130],
        [OTHER, 60],
      ]),
    );
    expect(server.requests).toHaveLength(3);
    expect(await countDeadLetters(flow.transport)).toEqual(
      new Map([
        [KEY, 130],
        [OTHER, 60],
      ]),
    );
  });

  test("a failure names the call", async () => {
    server.failNext(500);
    await expect(flow.countDeadLetters({ maxRetries: 0 })).rejects.toMatchObject({ operation: "countDeadLetters" });
  });
});

describe("input checked before anything is sent", () => {
  test.each(["", ".", "..", "a,b", "a\u0000b", 42, undefined])("the key %j", async (key) => {
    const bad = key as string;
    for (const call of [
      () => flow.cancelMessages(bad),
      () => flow.retryDeadLetters(bad),
      () => flow.deleteDeadLetters(bad),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(ValidationError);
    }
    expect(() => flow.listDeadLetters(bad)).toThrow(ValidationError);
    expect(server.requests).toHaveLength(0);
  });

  test("a comma is refused with the reason: the API reads it as two keys", async () => {
    await expect(flow.cancelMessages("a,b")).rejects.toThrow(/comma, which the API reads as two keys/);
  });

  test("an aborted signal and bad options send nothing", async () => {
    const signal = AbortSignal.abort();
    await expect(flow.cancelMessages(KEY, { signal })).rejects.toBeInstanceOf(AbortError);
    await expect(flow.deleteDeadLetters(KEY, { maxRetries: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(collect(flow.listDeadLetters(KEY, { timeout: 0 }))).rejects.toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
  });
});

describe("answers that are not the API's", () => {
  const wrapper = (body: () => Response) => new FlowControl({ token: "t", fetch: handlerFetch(body).fetch });

  test.each([
    ["a count that is not a number", () => json({ cancelled: "many" })],
    ["an HTML page", () => new Response("<html></html>")],
  ])("cancel answered with %s", async (_name, body) => {
    await expect(wrapper(body).cancelMessages(KEY)).rejects.toThrow(QStashError);
  });

  test("the same cursor twice would page forever: refused", async () => {
    const flow = wrapper(() => json({ deleted: 1, cursor: "again" }));
    await expect(flow.deleteDeadLetters(KEY)).rejects.toThrow(/same cursor came twice/);
    await expect(collect(wrapper(() => json({ messages: [], cursor: "again" })).listDeadLetters(KEY))).rejects.toThrow(
      /same cursor came twice/,
    );
  });

  test("a retry page that retried none ends the loop even with a cursor", async () => {
    const mock = handlerFetch(() => json({ responses: [], cursor: "more" }, { status: 201 }));
    const flow = new FlowControl({ token: "t", fetch: mock.fetch });
    expect(await flow.retryDeadLetters(KEY)).toBe(0);
    expect(mock.requests).toHaveLength(1);
  });
});
