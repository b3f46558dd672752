import { expect, test } from "vitest";
import { ownHeaders, requestHeaders, USER_AGENT } from "./node-headers.js";

test("a request names the package and asks for what fetch asks for, br only over TLS", () => {
  expect(ownHeaders({ authorization: "Bearer t" }, false)).toEqual({
    "user-agent": USER_AGENT,
    "accept-encoding": "gzip, deflate",
    authorization: "Bearer t",
  });
  expect(ownHeaders({}, true)["accept-encoding"]).toBe("br, gzip, deflate");
  expect(ownHeaders({ "user-agent": "app/1", "accept-encoding": "identity" }, false)).toEqual({
    "user-agent": "app/1",
    "accept-encoding": "identity",
  });
});

test.each([
  ["a string", '{"dlqIds":["ключ"]}', "23"],
  ["bytes", new Uint8Array([1, 2, 3]), "3"],
] as const)("a body of %s is framed by its length in bytes, whatever the method", (_, payload, length) => {
  expect(requestHeaders(ownHeaders({}, false), payload)["content-length"]).toBe(length);
});

test("without a body the headers are a copy of the request's own, for Node to frame as it does", () => {
  const own = ownHeaders({ authorization: "Bearer t" }, false);
  const sent = requestHeaders(own, undefined);
  expect(sent).toEqual(own);
  // What instrumentation adds to one request's headers stays with that request.
  expect(sent).not.toBe(own);
});

test("the headers of one object are not changed by a request made from them", () => {
  const own = ownHeaders({ authorization: "Bearer t" }, false);
  const before = { ...own };
  requestHeaders(own, "body");
  expect(own).toEqual(before);
});
