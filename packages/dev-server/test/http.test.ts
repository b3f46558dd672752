// The HTTP surface byte for byte, without a client in between: auth in both schemes,
// the 400s, 404s and 405s, and how keys and destinations are decoded.
import { request } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_DEV_TOKEN, type DevServer, type DevServerEvent, startDevServer } from "../src/index.ts";
import { barrier, eventually, flowControl, publish, publishOk, publishUrl, type Sink, startSink } from "./helpers.ts";

let server: DevServer;
let sink: Sink;

beforeAll(async () => {
  server = await startDevServer({ port: 0 });
  sink = await startSink();
});

afterAll(async () => {
  await server.close();
  await sink.close();
});

/** A request to the dev server; `path` may carry a query. Auth by header unless `auth` says otherwise. */
function call(method: string, path: string, auth: "header" | "none" | string = "header"): Promise<Response> {
  const url = new URL(path, server.url);
  const headers: Record<string, string> = {};
  if (auth === "header") headers.authorization = `Bearer ${server.token}`;
  else if (auth !== "none") headers.authorization = auth;
  return fetch(url, { method, headers });
}

/** A request target sent exactly as given: fetch would normalise dot-segments away. */
function rawCall(method: string, target: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({
      method,
      host: hostname,
      port,
      path: target,
      headers: { authorization: `Bearer ${server.token}` },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function expectError(response: Response, status: number, message: string | RegExp): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/json");
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error).toMatch(message);
}

describe("auth", () => {
  test("the default credentials are upstream's documented local ones, on the server object", () => {
    expect(server).toMatchObject({
      token: "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=",
      currentSigningKey: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r",
      nextSigningKey: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs",
    });
    expect(server.token).toBe(DEFAULT_DEV_TOKEN);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("Authorization: Bearer, any case of the scheme", async () => {
    expect((await call("GET", "/v2/flowControl")).status).toBe(200);
    expect((await call("GET", "/v2/flowControl", `bearer ${server.token}`)).status).toBe(200);
  });

  test("?qstash_token= on operations and on publish, encoded or raw", async () => {
    const query = new URLSearchParams({ qstash_token: server.token });
    expect((await call("GET", `/v2/globalParallelism?${query}`, "none")).status).toBe(200);

    const encoded = publishUrl(server, sink.url);
    encoded.search = query.toString();
    expect((await fetch(encoded, { method: "POST", body: "q1" })).status).toBe(201);

    const raw = publishUrl(server, `${sink.url}?keep=1&${query}`, true);
    expect((await fetch(raw, { method: "POST", body: "q2" })).status).toBe(201);
    await eventually(() => expect(sink.bodies()).toEqual(expect.arrayContaining(["q1", "q2"])));
    const rawDelivery = sink.server.requests.find((request) => request.body === "q2");
    expect(rawDelivery?.rawUrl).toBe("/hook?keep=1");
  });

  test("a repeated qstash_token is 400 {error}, on operations and on publish in both forms", async () => {
    const twice = new URLSearchParams([
      ["qstash_token", server.token],
      ["qstash_token", "another"],
    ]);
    for (const [method, path] of [
      ["GET", "/v2/flowControl"],
      ["GET", "/v2/globalParallelism"],
      ["GET", "/v2/flowControl/tok2"],
      ["POST", "/v2/flowControl/tok2/pause"],
    ] as const) {
      await expectError(await call(method, `${path}?${twice}`, "none"), 400, /qstash_token is given twice/);
      // Refused even when the header alone would have been enough.
      await expectError(await call(method, `${path}?${twice}`), 400, /qstash_token is given twice/);
    }

    const encoded = publishUrl(server, sink.url);
    encoded.search = twice.toString();
    const raw = publishUrl(server, `${sink.url}?keep=1&${twice}`, true);
    for (const url of [encoded, raw]) {
      await expectError(await fetch(url, { method: "POST", body: "twice" }), 400, /qstash_token is given twice/);
    }
    await barrier(server, sink);
    expect(sink.bodies()).not.toContain("twice");
    expect((await flowControl(server).list()).map((info) => info.flowControlKey)).not.toContain("tok2");
  });

  test.each([
    ["no token", "none"],
    ["a wrong token", "Bearer not-the-token"],
    ["another scheme", `Basic ${DEFAULT_DEV_TOKEN}`],
  ])("%s is 401 {error}", async (_, auth) => {
    for (const [method, path] of [
      ["GET", "/v2/flowControl"],
      ["GET", "/v2/flowControl/k"],
      ["POST", "/v2/flowControl/k/pause"],
      ["GET", "/v2/globalParallelism"],
      ["GET", "/v2/flowControl?qstash_token=wrong"],
    ] as const) {
      const response = await call(method, path, auth);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      await expectError(response, 401, /token/);
    }
    const refused = await publish(server, sink.url, { token: "wrong" });
    await expectError(refused, 401, /token/);
  });
});

describe("400: bad input is refused and changes nothing", () => {
  test.each([
    ["/v2/flowControl/k400/pin?parallelism=0", /parallelism must be a positive integer/],
    ["/v2/flowControl/k400/pin?rate=abc", /rate must be a positive integer/],
    ["/v2/flowControl/k400/pin?period=-1", /period must be a positive integer/],
    ["/v2/flowControl/k400/pin?rate=1.5", /rate must be a positive integer/],
    ["/v2/flowControl/k400/pin?rate=1&period=604801", /period must be at most one week \(604800 s\), got 604801 s/],
    ["/v2/flowControl/k400/pin?period=2592000", /period must be at most one week/],
    ["/v2/flowControl/k400/pin", /at least one of parallelism, rate, period/],
    ["/v2/flowControl/k400/pin?burst=2", /unknown query parameter "burst"/],
    ["/v2/flowControl/k400/pin?rate=1&rate=2", /given twice/],
    ["/v2/flowControl/k400/unpin?parallelism=yes", /parallelism must be true or false/],
    ["/v2/flowControl/k400/unpin?rate=1", /rate must be true or false/],
    ["/v2/flowControl/k400/unpin?rate=true&rate=false", /given twice/],
    ["/v2/flowControl/k400/pause?now=1", /pause takes no query parameters/],
    ["/v2/flowControl//pause", /key is missing/],
    ["/v2/flowControl/%E0%A4%A/resetRate", /percent-encoding/],
    ["/v2/flowControl/a%0Ab/pause", /control characters/],
  ])("POST %s", async (path, message) => {
    await expectError(await call("POST", path), 400, message);
    expect((await flowControl(server).list()).map((info) => info.flowControlKey)).not.toContain("k400");
  });

  test.each(["/v2/flowControl/%2E%2E/resume", "/v2/flowControl/../pause", "/v2/flowControl/.%2e/pin?rate=1"])(
    "POST %s (sent raw) is a dot-segment key",
    async (target) => {
      const response = await rawCall("POST", target);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toEqual({ error: expect.stringMatching(/dot-segment/) });
    },
  );

  test.each([
    [{ key: "k", value: "parallelism=0" }, /positive integer/],
    [{ key: "k", value: "speed=2" }, /unknown part/],
    [{ key: "k", value: "period=1m" }, /parallelism and\/or rate/],
    [{ key: "k", value: "rate=1, period=30d" }, /period must be at most one week \(604800 s\), got 2592000 s/],
    [{ key: "k", value: "rate=1, period=604801" }, /period must be at most one week/],
    [{ value: "rate=1" }, /needs an Upstash-Flow-Control-Key/],
    [{ key: "..", value: "rate=1" }, /dot-segment/],
  ])("publish with flow-control headers %j", async (options, message) => {
    await expectError(await publish(server, sink.url, options), 400, message);
  });

  test.each([
    [{ "Upstash-Method": "HEAD" }, /Upstash-Method must be one of GET, POST, PUT, PATCH, DELETE/],
    [{ "Upstash-Delay": "10" }, /Upstash-Delay must be a duration/],
    [{ "Upstash-Not-Before": "soon" }, /Upstash-Not-Before must be a unix time in seconds/],
    [{ "Upstash-Retries": "-1" }, /Upstash-Retries must be a whole number >= 0, got "-1"/],
    [{ "Upstash-Retry-Delay": "pow(2)" }, /Upstash-Retry-Delay: pow takes 2 arguments/],
    [{ "Upstash-Retry-Delay": "fetch(1)" }, /Upstash-Retry-Delay: unknown name "fetch"/],
    [{ "Upstash-Timeout": "0s" }, /Upstash-Timeout must be more than 0/],
    [{ "Upstash-Callback": "ftp://127.0.0.1/x" }, /Upstash-Callback must be a full http\(s\) URL/],
    [{ "Upstash-Failure-Callback": "https://example.com/x" }, /Upstash-Failure-Callback: the host example.com/],
    [{ "Upstash-Callback-Retries": "1" }, /Upstash-Callback-Retries needs Upstash-Callback/],
    [{ "Upstash-Content-Based-Deduplication": "yes" }, /must be true or false/],
    [{ "Upstash-Redact-Fields": "password" }, /Upstash-Redact-Fields takes body, headers or header\[<name>\]/],
  ])("publish with a header value QStash would not take %j", async (headers, message) => {
    await expectError(await publish(server, sink.url, { headers }), 400, message);
  });

  test.each([["Upstash-Queue-Name"], ["Upstash-Workflow-RunId"]])(
    "publish with a header the dev server does not implement: %s is 501 and named",
    async (name) => {
      const refused = await publish(server, sink.url, { headers: { [name]: "x" } });
      await expectError(
        refused,
        501,
        new RegExp(`^${name}: the local QStash dev server does not implement this header`, "i"),
      );
    },
  );

  test("publish with headers it honours", async () => {
    const headers = { "Upstash-Method": "post", "Upstash-Delay": "0s", "Upstash-Retries": "3" };
    await publishOk(server, sink.url, { headers, body: "honoured" });
    await eventually(() => expect(sink.bodies()).toContain("honoured"));
  });

  test.each([
    ["not a URL", "example.com/hook", /full http\(s\) URL/],
    ["another scheme", "ftp://127.0.0.1/x", /full http\(s\) URL/],
  ])("publish to %s", async (_, destination, message) => {
    const url = new URL(server.url);
    url.pathname = `/v2/publish/${encodeURIComponent(destination)}`;
    const response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${server.token}` } });
    await expectError(response, 400, message);
  });

  test("publish does not check its query: percent-encoded, unknown parameters are ignored", async () => {
    const url = publishUrl(server, sink.url);
    url.search = "anything=1&anything=2";
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}` },
      body: "unchecked",
    });
    expect(response.status).toBe(201);
    await eventually(() => expect(sink.bodies()).toContain("unchecked"));
  });

  test("publish with no destination", async () => {
    await expectError(await call("POST", "/v2/publish"), 400, /missing/);
  });

  test("publish to a host that is not loopback, unless allowed at start", async () => {
    await expectError(await publish(server, "https://example.com/hook"), 400, /not loopback.*allowedDestinations/);

    const events: DevServerEvent[] = [];
    const open = await startDevServer({
      port: 0,
      allowedDestinations: ["example.com"],
      log: (event) => events.push(event),
    });
    try {
      // Paused, so the test sends nothing off this machine.
      await flowControl(open).pause("offsite");
      await publishOk(open, "https://example.com/hook", { key: "offsite", value: "rate=1" });
      await expectError(await publish(open, "https://example.org/hook"), 400, /not loopback/);
    } finally {
      await open.close();
    }
    expect(events).toContainEqual(
      expect.objectContaining({ type: "dropped", destination: "https://example.com/hook" }),
    );
  });
});

describe("404 and 405", () => {
  test("get of an unknown key is 404 {error}, with the key decoded exactly once", async () => {
    await expectError(await call("GET", "/v2/flowControl/a%252Fb"), 404, /no flow-control key "a%2Fb"/);
  });

  test.each(["/", "/v2", "/v2/flowControl/k/stop", "/v2/flowControl/k/pause/x", "/v1/publish/x"])(
    "GET %s is 404 {error}",
    async (path) => {
      await expectError(await call("GET", path), 404, /no such route/);
    },
  );

  test.each([
    ["POST", "/v2/flowControl", "GET"],
    ["DELETE", "/v2/flowControl/k", "GET"],
    ["GET", "/v2/flowControl/k/pin", "POST"],
    ["PUT", "/v2/globalParallelism", "GET"],
    ["GET", "/v2/publish/http://127.0.0.1/x", "POST"],
  ])("%s %s is 405 {error} allowing %s", async (method, path, allow) => {
    const response = await call(method, path);
    expect(response.headers.get("allow")).toBe(allow);
    await expectError(response, 405, new RegExp(`takes ${allow}`));
  });
});

describe("501: QStash routes the dev server does not serve", () => {
  test.each([
    ["POST", "/v2/batch"],
    ["POST", `/v2/enqueue/q/${encodeURIComponent("http://127.0.0.1:9/x")}`],
    ["GET", "/v2/schedules"],
    ["POST", "/v2/schedules/http://127.0.0.1:9/x"],
    ["GET", "/v2/queues"],
    ["GET", "/v2/topics"],
    ["GET", "/v2/events"],
    ["GET", "/v2/keys"],
  ])("%s %s says so, with or without a token", async (method, path) => {
    const expected = `${method} ${path} is not served by the local QStash dev server`;
    const response = await call(method, path);
    await expectError(response, 501, expected);
    expect(await (await call(method, `${path}?qstash_token=secret-in-query`, "none")).json()).toEqual({
      error: expected,
    });
  });

  test("a 501 never touches flow-control state", async () => {
    await call("POST", "/v2/queues/k501/pause");
    expect((await flowControl(server).list()).map((info) => info.flowControlKey)).not.toContain("k501");
  });
});

describe("keys", () => {
  test("a key with characters a path would misread round-trips through the client", async () => {
    const fc = flowControl(server);
    const key = "tenant/42 ü?#%25&..";
    await fc.pin(key, { parallelism: 2 });
    expect(await fc.get(key)).toMatchObject({ flowControlKey: key, parallelismMax: 2, isPinnedParallelism: true });
    expect((await fc.list()).map((info) => info.flowControlKey)).toContain(key);
  });

  test("resume, unpin and resetRate of an unknown key answer 200 and create nothing", async () => {
    for (const path of ["ghost/resume", "ghost/unpin?rate=true", "ghost/unpin", "ghost/resetRate"]) {
      const response = await call("POST", `/v2/flowControl/${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("");
    }
    await expectError(await call("GET", "/v2/flowControl/ghost"), 404, /ghost/);
  });

  test("a publish key header reaches the same key as the path", async () => {
    const fc = flowControl(server);
    const key = "hdr/key?x";
    await publishOk(server, sink.url, { key, value: "parallelism=4" });
    expect(await fc.get(key)).toMatchObject({ flowControlKey: key, parallelismMax: 4 });
  });
});

describe("requests the HTTP parser rejects", () => {
  /** Writes `text` on a fresh connection and reads until the server closes it. */
  function rawExchange(text: string): Promise<string> {
    const { hostname, port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let received = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk) => (received += chunk));
      socket.on("end", () => resolve(received));
      socket.on("error", reject);
      socket.end(text);
    });
  }

  function parse(response: string) {
    const [head = "", body = ""] = response.split("\r\n\r\n");
    const [statusLine, ...lines] = head.split("\r\n");
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
    );
    return { statusLine, headers, body };
  }

  test.each([
    ["a header line without a colon", "GET /v2/flowControl HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n"],
    ["a space in the header name", "GET /v2/flowControl HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n"],
    ["a request line that is not HTTP", "HELLO\r\n\r\n"],
  ])("%s is a JSON 400 {error} and the connection closes", async (_, text) => {
    const { statusLine, headers, body } = parse(await rawExchange(text));
    expect(statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(headers["content-type"]).toBe("application/json");
    expect(headers.connection).toBe("close");
    expect(Number(headers["content-length"])).toBe(Buffer.byteLength(body));
    expect(JSON.parse(body)).toEqual({ error: expect.stringMatching(/malformed HTTP request/) });
    // The server is unharmed.
    expect((await call("GET", "/v2/flowControl")).status).toBe(200);
  });

  test("headers past Node's size limit keep Node's 431, with a JSON body", async () => {
    const text = `GET /v2/flowControl HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`;
    const { statusLine, headers, body } = parse(await rawExchange(text));
    expect(statusLine).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(headers["content-type"]).toBe("application/json");
    expect(JSON.parse(body)).toEqual({ error: expect.stringMatching(/HPE_HEADER_OVERFLOW/) });
  });

  test("on a kept-alive connection, after an answered request, a malformed one is still a JSON 400", async () => {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    try {
      let received = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk) => (received += chunk));
      const ended = new Promise((resolve, reject) => {
        socket.on("end", resolve);
        socket.on("error", reject);
      });
      socket.write(`GET /v2/flowControl HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\n\r\n`);
      await eventually(() => expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\[[\s\S]*\]$/));
      const first = received.length;
      socket.write("GET /v2/flowControl HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n");
      await ended;
      const { statusLine, headers, body } = parse(received.slice(first));
      expect(statusLine).toBe("HTTP/1.1 400 Bad Request");
      expect(headers.connection).toBe("close");
      expect(JSON.parse(body)).toEqual({ error: expect.stringMatching(/malformed HTTP request/) });
    } finally {
      socket.destroy();
    }
  });
});
