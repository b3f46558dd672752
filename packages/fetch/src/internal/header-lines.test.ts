import { expect, test } from "vitest";
import { headerLines, requestLines, USER_AGENT } from "./header-lines.js";

const pairs = (lines: string[]) =>
  Object.fromEntries(lines.flatMap((_, i) => (i % 2 ? [] : [[lines[i], lines[i + 1]]])));

test("a request names the package and asks for what fetch asks for, br only over TLS", () => {
  expect(pairs(headerLines({ authorization: "Bearer t" }, false).lines)).toEqual({
    "user-agent": USER_AGENT,
    "accept-encoding": "gzip, deflate",
    authorization: "Bearer t",
  });
  expect(pairs(headerLines({}, true).lines)["accept-encoding"]).toBe("br, gzip, deflate");
  // The caller's own replace them.
  expect(pairs(headerLines({ "user-agent": "app/1", "accept-encoding": "identity" }, false).lines)).toEqual({
    "user-agent": "app/1",
    "accept-encoding": "identity",
  });
});

test.each([
  ["POST", undefined, "0"],
  ["PUT", undefined, "0"],
  ["PATCH", undefined, "0"],
  ["GET", undefined, undefined],
  ["DELETE", undefined, undefined],
  // A body is framed whatever the method: the length in bytes, not characters.
  ["DELETE", '{"dlqIds":["ключ"]}', "23"],
  ["POST", new Uint8Array([1, 2, 3]), "3"],
] as const)("%s with %j says Content-Length %s, as fetch would", (method, payload, length) => {
  const lines = pairs(requestLines(headerLines({}, false), "127.0.0.1:8080", method, payload));
  expect(lines.host).toBe("127.0.0.1:8080");
  expect(lines["content-length"]).toBe(length);
});

test("a caller's own Host or framing is sent instead of ours, never beside it", () => {
  const own = headerLines({ host: "api.test", "transfer-encoding": "chunked" }, false);
  const lines = requestLines(own, "127.0.0.1:8080", "POST", "x");
  expect(lines.filter((line) => line === "host")).toHaveLength(1);
  expect(pairs(lines).host).toBe("api.test");
  expect(lines).not.toContain("content-length");
});

test("the lines of one headers object are not changed by a request made from them", () => {
  const own = headerLines({ authorization: "Bearer t" }, false);
  const before = [...own.lines];
  requestLines(own, "h:1", "POST", "body");
  expect(own.lines).toEqual(before);
});
