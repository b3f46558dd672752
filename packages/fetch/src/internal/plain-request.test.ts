import { expect, test } from "vitest";
import { PlainRequest } from "./plain-request.js";

test.each([
  "http://127.0.0.1:8080/v2/flowControl/a%20b/pause",
  "https://qstash.upstash.io/v2/flowControl/k/pin?parallelism=2&rate=3",
  "HTTP://Example.COM:80/v2/a/../b/./c?x=y z",
  "https://[::1]:443/v2/flowControl",
])("shows the URL, method and headers as the platform's Request does: %s", (url) => {
  const init = { method: "POST", headers: new Headers({ authorization: "Bearer t", "x-a": "1" }) };
  const plain = new PlainRequest(url, init);
  const real = new Request(url, init);
  expect(plain.url).toBe(real.url);
  expect(plain.method).toBe(real.method);
  expect([...plain.headers]).toEqual([...real.headers]);
  expect(plain.body).toBeNull();
});

test("a URL the platform's Request refuses is refused with a TypeError", () => {
  expect(() => new Request("not a url")).toThrow(TypeError);
  expect(() => new PlainRequest("not a url")).toThrow(TypeError);
});
