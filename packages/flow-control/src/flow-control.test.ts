import { handlerFetch, json, type SeenRequest } from "@qstash-flow/test-utils";
import { describe, expect, test } from "vitest";
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  FlowControl,
  InternalServerError,
  MAX_PERIOD_SECONDS,
  NotFoundError,
  QStashError,
  ValidationError,
} from "./index.ts";

const TOKEN = "wrapper-token-xyz";

function setup(handler: (request: SeenRequest) => Response = () => new Response(null)) {
  const mock = handlerFetch(handler);
  const flow = new FlowControl({ token: TOKEN, baseUrl: "http://qstash.test", fetch: mock.fetch, maxRetries: 0 });
  return { flow, requests: mock.requests };
}

const wire = (requests: SeenRequest[]) => requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`);

describe("FlowControl: each operation's request", () => {
  test("pause, resume, resetRate POST to the key's action route and resolve to undefined", async () => {
    const { flow, requests } = setup();
    await expect(flow.pause("orders")).resolves.toBeUndefined();
    await expect(flow.resume("orders")).resolves.toBeUndefined();
    await expect(flow.resetRate("orders")).resolves.toBeUndefined();
    expect(wire(requests)).toEqual([
      "POST /v2/flowControl/orders/pause",
      "POST /v2/flowControl/orders/resume",
      "POST /v2/flowControl/orders/resetRate",
    ]);
    expect(requests.every((r) => r.headers.get("authorization") === `Bearer ${TOKEN}`)).toBe(true);
  });

  test("a 200 with a stray text body is still a success for actions", async () => {
    const { flow } = setup(() => new Response("OK", { status: 200 }));
    await expect(flow.pause("k")).resolves.toBeUndefined();
  });

  test("pin sends positive integers and converts duration strings to seconds", async () => {
    const { flow, requests } = setup();
    await flow.pin("k", { parallelism: 4, rate: 100, period: "5m" });
    await flow.pin("k", { period: 30 });
    await flow.pin("k", { rate: 1, period: "1d" });
    await flow.pin("k", { period: "1h" });
    await flow.pin("k", { period: "45s" });
    await flow.pin("k", { period: "7d" });
    await flow.pin("k", { period: MAX_PERIOD_SECONDS });
    expect(wire(requests)).toEqual([
      "POST /v2/flowControl/k/pin?parallelism=4&rate=100&period=300",
      "POST /v2/flowControl/k/pin?period=30",
      "POST /v2/flowControl/k/pin?rate=1&period=86400",
      "POST /v2/flowControl/k/pin?period=3600",
      "POST /v2/flowControl/k/pin?period=45",
      "POST /v2/flowControl/k/pin?period=604800",
      "POST /v2/flowControl/k/pin?period=604800",
    ]);
  });

  test("unpin sends the given flags only", async () => {
    const { flow, requests } = setup();
    await flow.unpin("k", { parallelism: true });
    await flow.unpin("k", { rate: true });
    await flow.unpin("k", { parallelism: true, rate: true });
    expect(wire(requests)).toEqual([
      "POST /v2/flowControl/k/unpin?parallelism=true",
      "POST /v2/flowControl/k/unpin?rate=true",
      "POST /v2/flowControl/k/unpin?parallelism=true&rate=true",
    ]);
  });

  test("get returns every field, with omitted numbers as 0 and flags as false", async () => {
    const { flow, requests } = setup(() =>
      json({ flowControlKey: "a/b", waitListSize: 7, parallelismMax: 5, rateMax: 10, ratePeriod: 60, isPaused: true }),
    );
    expect(await flow.get("a/b")).toEqual({
      flowControlKey: "a/b",
      waitListSize: 7,
      parallelismMax: 5,
      parallelismCount: 0,
      rateMax: 10,
      rateCount: 0,
      ratePeriod: 60,
      ratePeriodStart: 0,
      isPinnedParallelism: false,
      isPinnedRate: false,
      isPaused: true,
    });
    expect(wire(requests)).toEqual(["GET /v2/flowControl/a%2Fb"]);
  });

  test("list maps every key; an empty body is an empty list", async () => {
    const { flow } = setup(() => json([{ flowControlKey: "a", parallelismCount: 2 }, { flowControlKey: "b" }]));
    const keys = await flow.list();
    expect(keys.map((k) => [k.flowControlKey, k.parallelismCount, k.isPinnedRate])).toEqual([
      ["a", 2, false],
      ["b", 0, false],
    ]);
    const empty = setup(() => new Response(null, { status: 200 }));
    expect(await empty.flow.list()).toEqual([]);
  });

  test.each([
    ["null", null],
    ["a number", 5],
    ["an entry whose key is not a string", { flowControlKey: 12345, waitListSize: 9 }],
    ["an entry without a key", { waitListSize: 9 }],
  ])("list refuses a reply with %s for an entry instead of inventing the empty key", async (_, entry) => {
    const { flow } = setup(() => json([{ flowControlKey: "a" }, entry]));
    const error = await flow.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QStashError);
    expect(error).toMatchObject({ operation: "list" });
    expect((error as Error).message).toMatch(/not a list of keys: an entry has no flowControlKey/);
  });

  test("numbers sent as decimal strings are read", async () => {
    const { flow } = setup(() =>
      json({ flowControlKey: "k", waitListSize: " 12 ", parallelismMax: "7.5", isPaused: "true" }),
    );
    const info = await flow.get("k");
    expect([info.waitListSize, info.parallelismMax, info.isPaused]).toEqual([12, 7.5, true]);
  });

  test.each([
    ["a count that is a word", { waitListSize: "lots" }, "waitListSize is a string, not a number"],
    ["a count in hex", { rateMax: "0x10" }, "rateMax is a string, not a number"],
    ["a count that is an object", { rateCount: {} }, "rateCount is an object, not a number"],
    ["a flag that is a number", { isPaused: 1 }, "isPaused is number 1, not a boolean"],
    ["a key that is a number", { flowControlKey: 5 }, "flowControlKey is number 5, not a string"],
  ])("get refuses %s, naming the field", async (_, fields, message) => {
    const { flow } = setup(() => json({ flowControlKey: "k", ...fields }));
    const error = await flow.get("k").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QStashError);
    expect((error as Error).message).toBe(
      `QStash get for key "k" failed: the response is not a flow-control key: ${message}`,
    );
  });

  test.each([
    ["null", () => json(null), "got JSON: null"],
    ["a list", () => json([]), "got JSON: a list"],
    ["a number", () => json(5), "got JSON: number 5"],
    ["an empty body", () => new Response(null), "got an empty body"],
    ["an HTML page", () => new Response("<!doctype html><title>Login</title>"), "got an HTML document"],
  ])("get and getGlobalParallelism refuse %s", async (_, reply, message) => {
    const { flow } = setup(reply);
    await expect(flow.get("k")).rejects.toThrow(`the response is not a flow-control key: ${message}`);
    await expect(flow.getGlobalParallelism()).rejects.toThrow(`the response is not the global parallelism: ${message}`);
  });

  test.each(["pause", "resume", "resetRate", "pin", "unpin"] as const)(
    "%s refuses a success that is not the API's: an HTML page, or JSON that is not an object",
    async (action) => {
      const call = (flow: FlowControl) =>
        action === "pin"
          ? flow.pin("k", { rate: 1 })
          : action === "unpin"
            ? flow.unpin("k", { rate: true })
            : flow[action]("k");
      const html = setup(
        () => new Response("<html><body>Sign in</body></html>", { headers: { "content-type": "text/html" } }),
      );
      const error = await call(html.flow).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(QStashError);
      expect(error).toMatchObject({ operation: action, key: "k" });
      expect((error as Error).message).toMatch(
        /the response is not the API's answer to this action: got an HTML document$/,
      );
      await expect(call(setup(() => json([1])).flow)).rejects.toThrow(/got JSON: a list$/);
      await expect(call(setup(() => json({})).flow)).resolves.toBeUndefined();
    },
  );

  test("server text in a message has its control characters escaped", async () => {
    const { flow } = setup(() => json({ error: "bad \u001b[31mred\u202e desrever" }, { status: 400 }));
    const error = (await flow.pause("k").catch((caught: unknown) => caught)) as BadRequestError;
    expect(error.message).toBe('QStash pause for key "k" failed: 400 bad \\u001b[31mred\\u202e desrever');
    expect(error.serverMessage).toBe("bad \u001b[31mred\u202e desrever");
  });

  test("getGlobalParallelism returns numbers, 0 when omitted", async () => {
    const { flow, requests } = setup(() => json({ parallelismMax: 100 }));
    expect(await flow.getGlobalParallelism()).toEqual({ parallelismMax: 100, parallelismCount: 0 });
    expect(wire(requests)).toEqual(["GET /v2/globalParallelism"]);
  });
});

describe("FlowControl: bad input throws ValidationError and sends nothing", () => {
  const bad: [string, (flow: FlowControl) => Promise<unknown>][] = [
    ["empty key", (f) => f.pause("")],
    ["dot key", (f) => f.resume("..")],
    ["non-string key", (f) => f.get(42 as never)],
    ["pin without values", (f) => f.pin("k", {})],
    ["pin zero", (f) => f.pin("k", { parallelism: 0 })],
    ["pin fraction", (f) => f.pin("k", { rate: 1.5 })],
    ["pin negative", (f) => f.pin("k", { rate: -1 })],
    ["pin string number", (f) => f.pin("k", { parallelism: "3" as never })],
    ["pin bad duration", (f) => f.pin("k", { period: "5 minutes" })],
    ["pin zero duration", (f) => f.pin("k", { period: "0s" })],
    ["pin period over a week", (f) => f.pin("k", { rate: 1, period: "8d" })],
    ["pin period over a week in seconds", (f) => f.pin("k", { rate: 1, period: MAX_PERIOD_SECONDS + 1 })],
    ["pin unknown option", (f) => f.pin("k", { parallelism: 1, paralelism: 2 } as never)],
    ["unpin nothing", (f) => f.unpin("k", {})],
    ["unpin all false", (f) => f.unpin("k", { parallelism: false, rate: false })],
    ["unpin non-boolean", (f) => f.unpin("k", { rate: "yes" as never })],
    ["unknown call option", (f) => f.pause("k", { retries: 3 } as never)],
    ["bad maxRetries", (f) => f.pause("k", { maxRetries: -1 })],
    ["NaN timeout", (f) => f.pause("k", { timeout: Number.NaN })],
  ];
  test.each(bad)("%s", async (_, call) => {
    const { flow, requests } = setup();
    const error = await call(flow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(requests).toHaveLength(0);
  });

  test.each([
    ["pin", (f: FlowControl) => f.pin("k", { rate: Number.NaN }), "rate must be a positive integer, got NaN"],
    [
      "pin",
      (f: FlowControl) => f.pin("k", { parallelism: Number.POSITIVE_INFINITY }),
      "parallelism must be a positive integer, got Infinity",
    ],
    [
      "pause",
      (f: FlowControl) => f.pause("k", { timeout: Number.NaN }),
      "timeout must be a number of milliseconds > 0, got NaN",
    ],
    ["unpin", (f: FlowControl) => f.unpin("k", { rate: Number.NaN as never }), "rate must be a boolean, got NaN"],
  ])("%s names NaN and Infinity as such", async (_, call, message) => {
    const { flow } = setup();
    await expect(call(flow)).rejects.toThrow(message);
  });

  test("the message names the operation and key", async () => {
    const { flow } = setup();
    await expect(flow.pin("orders", { rate: 0 })).rejects.toThrow(
      'QStash pin for key "orders" failed: rate must be a positive integer, got 0',
    );
  });
});

describe("FlowControl: server errors become typed errors", () => {
  test.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [404, NotFoundError],
    [500, InternalServerError],
  ])("%i with an {error} body", async (status, Class) => {
    const { flow } = setup(() => json({ error: `server says ${status}` }, { status }));
    const error = (await flow.pause("k").catch((e: unknown) => e)) as InstanceType<typeof Class>;
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(QStashError);
    expect(error.status).toBe(status);
    expect(error.serverMessage).toBe(`server says ${status}`);
    expect(error.message).toBe(`QStash pause for key "k" failed: ${status} server says ${status}`);
  });

  test("an empty error body falls back to the status text", async () => {
    const { flow } = setup(() => new Response(null, { status: 404, statusText: "Not Found" }));
    const error = (await flow.get("missing").catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.serverMessage).toBe("Not Found");
    expect(error.body).toBeUndefined();
  });

  test("a non-JSON error body is kept as text", async () => {
    const { flow } = setup(() => new Response("<html>bad gateway</html>", { status: 502 }));
    const error = (await flow.resume("k").catch((e: unknown) => e)) as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.serverMessage).toBe("<html>bad gateway</html>");
    expect(error.body).toBe("<html>bad gateway</html>");
  });

  test("a success with a body that is not JSON is a QStashError, not a SyntaxError", async () => {
    const { flow } = setup(
      () => new Response("{not json", { status: 200, headers: { "content-type": "application/json" } }),
    );
    const error = await flow.get("k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QStashError);
    expect((error as Error).message).toContain("not valid JSON");
  });
});

describe("FlowControl: options", () => {
  test("fromEnv reads QSTASH_TOKEN and QSTASH_URL", async () => {
    const mock = handlerFetch(() => new Response(null));
    const flow = FlowControl.fromEnv(
      { QSTASH_TOKEN: "env-token", QSTASH_URL: "http://local.test/" },
      { fetch: mock.fetch },
    );
    await flow.pause("k");
    expect(mock.requests[0]?.url.href).toBe("http://local.test/v2/flowControl/k/pause");
    expect(mock.requests[0]?.headers.get("authorization")).toBe("Bearer env-token");
  });

  test("fromEnv names the missing variable", () => {
    expect(() => FlowControl.fromEnv({ QSTASH_URL: "http://x" })).toThrow(/QSTASH_TOKEN/);
  });

  test("region maps to the regional server", async () => {
    const mock = handlerFetch(() => new Response(null));
    await new FlowControl({ token: "t", region: "us-east-1", fetch: mock.fetch }).pause("k");
    expect(mock.requests[0]?.url.origin).toBe("https://qstash-us-east-1.upstash.io");
  });

  const calls: [string, (flow: FlowControl, signal: AbortSignal) => Promise<unknown>][] = [
    ["list", (f, signal) => f.list({ signal })],
    ["get", (f, signal) => f.get("k", { signal })],
    ["pause", (f, signal) => f.pause("k", { signal })],
    ["resume", (f, signal) => f.resume("k", { signal })],
    ["pin", (f, signal) => f.pin("k", { rate: 1 }, { signal })],
    ["unpin", (f, signal) => f.unpin("k", { rate: true }, { signal })],
    ["resetRate", (f, signal) => f.resetRate("k", { signal })],
    ["getGlobalParallelism", (f, signal) => f.getGlobalParallelism({ signal })],
  ];
  test.each(calls)("%s passes the caller's signal to fetch and rejects with AbortError", async (_, call) => {
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const mock = handlerFetch(() => {
      arrived();
      return new Promise<Response>(() => {});
    });
    const flow = new FlowControl({ token: "t", fetch: mock.fetch });
    const controller = new AbortController();
    const pending = call(flow, controller.signal).catch((e: unknown) => e);
    await inFlight;
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]?.signal.aborted).toBe(true);
  });
});
