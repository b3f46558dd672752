import createClient from "openapi-fetch";
import { expect, test } from "vitest";
import { lendPlainRequests } from "./plain-request.js";

const CLIENT_HEADERS = { authorization: "Bearer t", "x-a": "1" };
const lend = () => lendPlainRequests(createClient({}), CLIENT_HEADERS);

test.each([
  "http://127.0.0.1:8080/v2/flowControl/a%20b/pause",
  "https://qstash.upstash.io/v2/flowControl/k/pin?parallelism=2&rate=3",
  "HTTP://Example.COM:80/v2/a/../b/./c?x=y z",
  "https://[::1]:443/v2/flowControl",
])("a plain request shows the URL and method as the platform's Request does: %s", (url) => {
  const Plain = lend()({});
  if (!Plain) throw new Error("a call with nothing of its own gets a plain request");
  const plain = new Plain(url, { method: "POST" });
  const real = new Request(url, { method: "POST" });
  expect(plain.url).toBe(real.url);
  expect(plain.method).toBe(real.method);
  // What openapi-fetch would merge for a call without headers of its own: the client's.
  expect(plain.headers).toBe(CLIENT_HEADERS);
  expect(plain.body).toBeNull();
});

test("a URL the platform's Request refuses is refused with a TypeError", () => {
  const Plain = lend()({});
  expect(() => new Request("not a url")).toThrow(TypeError);
  expect(() => Plain && new Plain("not a url")).toThrow(TypeError);
});

test.each([
  ["a body", { body: { dlqIds: ["1"] } }],
  ["headers of its own", { headers: { "x-b": "2" } }],
  ["a header parameter", { params: { header: { "x-b": "2" } } }],
  ["a middleware of its own", { middleware: [{ onRequest: () => undefined }] }],
])("a call with %s gets the platform's Request", (_, init) => {
  expect(lend()(init)).toBeUndefined();
});

test("while a middleware is registered every call gets the platform's Request, and after it is ejected none", () => {
  const client = createClient({});
  const choose = lendPlainRequests(client, CLIENT_HEADERS);
  const first = { onRequest: () => undefined };
  const second = { onResponse: () => undefined };
  client.use(first, second);
  expect(choose({})).toBeUndefined();
  client.eject(first);
  expect(choose({})).toBeUndefined();
  client.eject(second);
  expect(choose({})).toBeDefined();
  // Ejecting what was never registered changes nothing.
  client.eject(first);
  expect(choose({})).toBeDefined();
});

test("a middleware registered before one openapi-fetch refuses is followed", () => {
  const client = createClient({});
  const choose = lendPlainRequests(client, CLIENT_HEADERS);
  const good = { onRequest: () => undefined };
  expect(() => client.use(good, { nothing: true } as never)).toThrow();
  expect(choose({})).toBeUndefined();
  client.eject(good);
  expect(choose({})).toBeDefined();
});
