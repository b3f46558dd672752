import { serverDelay } from "./internal/rate-limit.ts";
import { describe, expect, test } from "vitest";
import {
  AbortError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  InternalServerError,
  makeAPIError,
  NotFoundError,
  PermissionDeniedError,
  QStashError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from "./index.js";
import { withContext } from "./internal.js";

const context = { operation: "pause", key: "orders/eu" };
const response = (status: number, headers: Record<string, string> = {}, statusText = "") => ({
  status,
  statusText,
  headers: new Headers(headers),
});

describe("makeAPIError picks the class from the status", () => {
  test.each([
    [400, BadRequestError, "bad_request"],
    [401, AuthenticationError, "authentication_error"],
    [403, PermissionDeniedError, "permission_denied"],
    [404, NotFoundError, "not_found"],
    [409, APIError, "api_error"],
    [422, APIError, "api_error"],
    [429, RateLimitError, "rate_limited"],
    [500, InternalServerError, "internal_server_error"],
    [503, InternalServerError, "internal_server_error"],
    [599, InternalServerError, "internal_server_error"],
    [408, APIError, "api_error"],
    [418, APIError, "api_error"],
  ])("%i -> %o", (status, Class, code) => {
    const error = makeAPIError(response(status), { error: "went wrong" }, context);
    expect(error.constructor).toBe(Class);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(QStashError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(Class.name);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });
});

describe("APIError carries what the server said", () => {
  test("status, headers, parsed body, server message and a full human message", () => {
    const headers = { "content-type": "application/json", "Upstash-Request-Id": "req-42" };
    const body = { error: "flowControlKey is missing" };
    const error = makeAPIError(response(400, headers), body, context);
    expect(error.headers.get("content-type")).toBe("application/json");
    expect(error.body).toEqual(body);
    expect(error.serverMessage).toBe("flowControlKey is missing");
    expect(error.requestId).toBe("req-42");
    expect(error.message).toBe('QStash pause for key "orders/eu" failed: 400 flowControlKey is missing');
    expect(error.detail).toBe("400 flowControlKey is missing");
    expect(String(error)).toBe(`BadRequestError: ${error.message}`);
    expect(error.stack?.split("\n")[0]).toBe(`BadRequestError: ${error.message}`);
  });

  test.each([
    ["x-request-id", "abc"],
    ["request-id", "def"],
  ])("the request id may come as %s", (header, value) => {
    expect(makeAPIError(response(500, { [header]: value }), undefined).requestId).toBe(value);
  });

  test("no request-id header: requestId is undefined", () => {
    expect(makeAPIError(response(500), undefined).requestId).toBeUndefined();
  });

  test.each([
    [{ error: "quota exceeded" }, "", "quota exceeded"],
    ["  upstream timed out \n", "", "upstream timed out"],
    [undefined, "Service Unavailable", "Service Unavailable"],
    [undefined, "", "HTTP 503"],
    [{ error: "" }, "Service Unavailable", "Service Unavailable"],
    [{ message: "not ours" }, "", "HTTP 503"],
  ])("body %o with status text %o -> server message %o", (body, statusText, expected) => {
    expect(makeAPIError(response(503, {}, statusText), body).serverMessage).toBe(expected);
  });

  test("a long text body is cut in the message but kept whole in body", () => {
    const text = "x".repeat(2000);
    const error = makeAPIError(response(502), text);
    expect(error.serverMessage.length).toBeLessThan(510);
    expect(error.body).toBe(text);
  });

  test("without an operation the message is the detail alone", () => {
    expect(makeAPIError(response(404), { error: "no such key" }).message).toBe("404 no such key");
  });

  test("toJSON names the failure without the headers and the body (kept as sent, it may echo the token)", () => {
    const error = makeAPIError(response(404, { "x-request-id": "r1" }), { error: "no such key" }, context);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "NotFoundError",
      code: "not_found",
      message: error.message,
      operation: "pause",
      key: "orders/eu",
      status: 404,
      serverMessage: "no such key",
      requestId: "r1",
    });
    expect(error.body).toEqual({ error: "no such key" });
  });
});

describe("RateLimitError", () => {
  test("numbers from the Burst-RateLimit-* headers", () => {
    const headers = {
      "Burst-RateLimit-Limit": "100",
      "Burst-RateLimit-Remaining": "0",
      "Burst-RateLimit-Reset": "1893456000",
    };
    const error = makeAPIError(response(429, headers), { error: "slow down" }) as RateLimitError;
    expect([error.limit, error.remaining, error.reset]).toEqual([100, 0, 1_893_456_000]);
  });

  test("numbers from the daily RateLimit-* headers when no burst ones came", () => {
    const headers = { "RateLimit-Limit": "5000", "RateLimit-Remaining": "3", "RateLimit-Reset": "1893456000" };
    const error = makeAPIError(response(429, headers), undefined) as RateLimitError;
    expect([error.limit, error.remaining, error.reset]).toEqual([5000, 3, 1_893_456_000]);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ limit: 5000, remaining: 3, reset: 1_893_456_000 });
  });

  test("any burst header picks the burst family, even without its reset", () => {
    const headers = {
      "Burst-RateLimit-Remaining": "0",
      "RateLimit-Remaining": "4000",
      "RateLimit-Reset": "1893456000",
    };
    const error = makeAPIError(response(429, headers), undefined) as RateLimitError;
    expect([error.limit, error.remaining, error.reset]).toEqual([undefined, 0, undefined]);
  });

  test("missing or non-numeric headers are undefined, never NaN or strings", () => {
    const error = makeAPIError(response(429, { "RateLimit-Limit": "lots", "RateLimit-Remaining": " " }), undefined);
    const { limit, remaining, reset } = error as RateLimitError;
    expect([limit, remaining, reset]).toEqual([undefined, undefined, undefined]);
  });
});

describe("errors without a response", () => {
  test.each([
    [ValidationError, "validation_error"],
    [ConnectionError, "connection_error"],
    [TimeoutError, "timeout"],
    [AbortError, "aborted"],
  ] as const)("%o is a QStashError but not an APIError", (Class, code) => {
    const cause = new Error("underlying");
    const error = new Class("it failed", { ...context, cause });
    expect(error).toBeInstanceOf(QStashError);
    expect(error).not.toBeInstanceOf(APIError);
    expect(error.name).toBe(Class.name);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('QStash pause for key "orders/eu" failed: it failed');
  });

  test("an error for a call without a key names the operation only", () => {
    expect(new TimeoutError("no response", { operation: "list" }).message).toBe("QStash list failed: no response");
  });

  test("a long key is shortened in the message but kept whole in key", () => {
    const key = "k".repeat(1000);
    const error = new ValidationError("bad", { operation: "get", key });
    expect(error.message.length).toBeLessThan(200);
    expect(error.key).toBe(key);
  });
});

describe("withContext", () => {
  test("names the operation and key in the message, the stack's first line and the fields", () => {
    const cause = new TypeError("socket hang up");
    const error = new ConnectionError("connection failed after 3 attempts", { cause });
    expect(withContext(error, { operation: "resume", key: "k1" })).toBe(error);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe('QStash resume for key "k1" failed: connection failed after 3 attempts');
    expect(error.stack?.split("\n")[0]).toBe(`ConnectionError: ${error.message}`);
    expect([error.operation, error.key, error.cause, error.code, error.detail]).toEqual([
      "resume",
      "k1",
      cause,
      "connection_error",
      "connection failed after 3 attempts",
    ]);
  });

  test.each(["a$&b", "$`", "price$'s", "$1$$"])(
    "a key with replacement patterns (%s) leaves the stack intact",
    (key) => {
      const error = withContext(new ValidationError("the key is odd"), { operation: "pause", key });
      expect(error.message).toBe(`QStash pause for key ${JSON.stringify(key)} failed: the key is odd`);
      expect(error.stack?.split("\n")[0]).toBe(`ValidationError: ${error.message}`);
    },
  );

  test("keeps an API error's fields", () => {
    const error = makeAPIError(response(429, { "Burst-RateLimit-Remaining": "0", "Burst-RateLimit-Reset": "9" }), {
      error: "slow down",
    }) as RateLimitError;
    withContext(error, context);
    expect(error).toBeInstanceOf(RateLimitError);
    expect([error.status, error.serverMessage, error.remaining, error.reset]).toEqual([429, "slow down", 0, 9]);
    expect(error.message).toBe('QStash pause for key "orders/eu" failed: 429 slow down');
  });

  test("leaves an error that already names an operation, and anything that is not a QStashError, alone", () => {
    const named = new ValidationError("bad", { operation: "get", key: "a" });
    withContext(named, { operation: "pause", key: "b" });
    expect([named.operation, named.key, named.message]).toEqual(["get", "a", 'QStash get for key "a" failed: bad']);
    const foreign = new TypeError("boom");
    expect(withContext(foreign, context)).toBe(foreign);
    expect(foreign.message).toBe("boom");
    expect(withContext("text", context)).toBe("text");
  });
});

test("a RateLimitError's reset is the one the retry waits for, in every header mix", () => {
  const now = 1_800_000_000_000;
  const mixes: Record<string, string>[] = [
    { "Burst-RateLimit-Reset": "1800000002", "RateLimit-Reset": "1800000009" },
    { "RateLimit-Reset": "1800000005" },
    { "Burst-RateLimit-Remaining": "0", "RateLimit-Reset": "1800000005" },
  ];
  for (const mix of mixes) {
    const error = makeAPIError(response(429, mix), { error: "slow down" }) as RateLimitError;
    const wait = serverDelay(new Headers(mix), 429, now);
    expect(wait).toBe(error.reset === undefined ? undefined : error.reset * 1000 - now);
  }
});
