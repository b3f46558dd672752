// The typed client on a key's messages and dead letters, against a loopback QStash that
// answers with the shapes of upstream's document (the dev server answers these routes
// with 501 until issue #27's dev-server part lands).
import { type MessagesServer, startMessagesServer } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, expect, test } from "vitest";
import { createQStashClient, type QStashClient } from "../src/index.ts";

let server: MessagesServer;
let client: QStashClient;

beforeEach(async () => {
  server = await startMessagesServer();
  client = createQStashClient({ token: server.token, baseUrl: server.url });
});
afterEach(() => server.close());

test("bulk cancel with one key and with several, paged with count", async () => {
  server.publish("a", 3);
  server.publish("b", 2);
  server.publish("c", 1);
  const one = await client.DELETE("/v2/messages", { params: { query: { flowControlKey: ["a"], count: 2 } } });
  expect(one.data).toEqual({ cancelled: 2 });
  const several = await client.DELETE("/v2/messages", { params: { query: { flowControlKey: ["a", "b"] } } });
  expect(several.data).toEqual({ cancelled: 3 });
  expect(server.messages.map((m) => m.flowControlKey)).toEqual(["c"]);
});

test("one message: get it, cancel it, then it is not found", async () => {
  server.publish("a", 1);
  const messageId = server.messages[0]?.messageId as string;
  const path = { params: { path: { messageId } } };
  expect((await client.GET("/v2/messages/{messageId}", path)).data).toMatchObject({ messageId, flowControlKey: "a" });
  expect((await client.DELETE("/v2/messages/{messageId}", path)).response.status).toBe(200);
  const gone = await client.GET("/v2/messages/{messageId}", path);
  expect(gone.response.status).toBe(404);
  expect(gone.error).toEqual({ error: "message not found" });
});

test("dead letters: list a page, retry one key's, delete another's following the cursor", async () => {
  server.kill("a", 2);
  server.kill("b", 150);
  const page = await client.GET("/v2/dlq", { params: { query: { count: 100 } } });
  expect(page.data?.messages).toHaveLength(100);
  expect(page.data?.cursor).toMatch(/^dlq_/);
  const retried = await client.POST("/v2/dlq/retry", { params: { query: { flowControlKey: ["a"] } } });
  expect(retried.response.status).toBe(201);
  expect(retried.data?.responses).toHaveLength(2);
  const first = await client.DELETE("/v2/dlq", { params: { query: { flowControlKey: ["b"], count: 100 } } });
  expect(first.data?.deleted).toBe(100);
  const cursor = first.data?.cursor as string;
  const rest = await client.DELETE("/v2/dlq", { params: { query: { flowControlKey: ["b"], cursor } } });
  expect(rest.data).toEqual({ deleted: 50 });
  expect(server.deadLetters).toEqual([]);
});

test("a bulk retry answered 503 is sent once: the retry may have happened", async () => {
  server.kill("a", 1);
  server.failNext(503);
  const { response } = await client.POST("/v2/dlq/retry", { params: { query: { flowControlKey: ["a"] } } });
  expect(response.status).toBe(503);
  expect(server.requests).toHaveLength(1);
});
