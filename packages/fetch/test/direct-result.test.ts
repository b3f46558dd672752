// The typed client's direct way in Node (src/internal/direct-call.ts): which calls take it,
// the result it hands back (openapi-fetch's shape, `response` made on first touch), and a
// reply no `Response` can carry. direct-call.test.ts holds its results to openapi-fetch's.
import type { AddressInfo, Server } from "node:net";
import { createServer } from "node:net";
import { deepStrictEqual } from "node:assert/strict";
import { inspect } from "node:util";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import type { Middleware } from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { ConnectionError, createQStashClient } from "../src/index.ts";

const TOKEN = "direct-token";
const PAUSE = "/v2/flowControl/{flowControlKey}/pause";
const path = { params: { path: { flowControlKey: "orders" } } };
const passThrough: Middleware = { onRequest: () => undefined };
const KEYS = [{ flowControlKey: "orders", waitListSize: 3 }];

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer((request, response) => {
    if (request.rawUrl.includes("/fail/")) response.writeHead(400).end('""');
    else response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(KEYS));
  });
});
afterAll(() => server.close());

type Client = ReturnType<typeof createQStashClient>;

/** How many of the global class `name` were built while `run` ran (clients made inside see the stub). */
async function built(name: "Request" | "Response", run: () => Promise<void>): Promise<number> {
  let count = 0;
  const Original = globalThis[name] as typeof Request;
  vi.stubGlobal(
    name,
    class extends Original {
      constructor(...args: ConstructorParameters<typeof Request>) {
        super(...args);
        count++;
      }
    },
  );
  try {
    await run();
  } finally {
    vi.unstubAllGlobals();
  }
  return count;
}

const made = () => createQStashClient({ token: TOKEN, baseUrl: server.url });

describe("which calls go openapi-fetch's way (it builds a Request per call)", () => {
  test("a call with nothing of its own builds none", async () => {
    expect(await built("Request", async () => void (await made().POST(PAUSE, path)))).toBe(0);
  });

  test.each([
    ["a body", { body: { dlqIds: ["1"] } }],
    ["headers of its own", { headers: { "x-b": "2" } }],
    ["a header parameter", { params: { ...path.params, header: { "x-b": "2" } } }],
    ["a middleware of its own", { middleware: [passThrough] }],
    ["an empty list of middleware", { middleware: [] }],
    ["another way to parse", { parseAs: "text" }],
  ])("a call with %s goes openapi-fetch's way", async (_, init) => {
    const count = await built("Request", async () => void (await made().POST(PAUSE, { ...path, ...init } as never)));
    expect(count).toBe(1);
  });

  test("a call with a Request class of its own goes openapi-fetch's way, which builds one of it", async () => {
    const own: string[] = [];
    class OwnRequest extends Request {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        super(input, init);
        own.push(this.url);
      }
    }
    const { response } = await made().POST(PAUSE, { ...path, Request: OwnRequest });
    expect(response.status).toBe(200);
    expect(own).toEqual([`${server.url}/v2/flowControl/orders/pause`]);
  });

  test("while a middleware is registered every call goes openapi-fetch's way, and after it is ejected none", async () => {
    const first: Middleware = { onRequest: () => undefined };
    const second: Middleware = { onResponse: () => undefined };
    const count = await built("Request", async () => {
      const client = made();
      const pause = async () => void (await client.POST(PAUSE, path));
      client.use(first, second);
      await pause();
      client.eject(first);
      await pause();
      client.eject(second);
      await pause();
      // Ejecting what was never registered changes nothing.
      client.eject(first);
      await pause();
    });
    expect(count).toBe(2);
  });

  test("a middleware registered before one openapi-fetch refuses is followed", async () => {
    const good: Middleware = { onRequest: () => undefined };
    const count = await built("Request", async () => {
      const client = made();
      expect(() => client.use(good, { nothing: true } as never)).toThrow();
      await client.POST(PAUSE, path);
      client.eject(good);
      await client.POST(PAUSE, path);
    });
    expect(count).toBe(1);
  });
});

describe("the direct way's result", () => {
  const pause = (client: Client = made()) => client.POST(PAUSE, path);

  test("makes its Response when response is first touched, and only then", async () => {
    let result: Awaited<ReturnType<typeof pause>> | undefined;
    const call = async () => {
      result = await pause();
    };
    expect(await built("Response", call)).toBe(0);
    expect(await built("Response", async () => void result?.data)).toBe(0);
    expect(await built("Response", async () => void result?.response.status)).toBe(1);
    expect(await built("Response", async () => void result?.response.status)).toBe(0);
  });

  test("has response as its own property for every reader, as openapi-fetch's result has", async () => {
    const result = await pause();
    expect(Object.keys(result)).toEqual(["data", "response"]);
    expect({ ...result }).toEqual({ data: KEYS, response: expect.any(Response) });
    expect(result).toEqual({ data: KEYS, response: expect.any(Response) });
    expect(JSON.parse(JSON.stringify(await pause()))).toEqual({ data: KEYS, response: {} });
    expect("response" in (await pause())).toBe(true);
    expect(Object.getOwnPropertyDescriptor(await pause(), "response")?.value).toBeInstanceOf(Response);
    const { response, ...rest } = await pause();
    expect([response.status, rest]).toEqual([200, { data: KEYS }]);
  });

  test("is a plain object to deep equality, and may be frozen, sealed or made non-extensible first", async () => {
    expect(await pause()).toStrictEqual({ data: KEYS, response: expect.any(Response) });
    deepStrictEqual(Object.getPrototypeOf(await pause()), Object.prototype);
    for (const close of [Object.freeze, Object.seal, Object.preventExtensions]) {
      const result = close(await pause());
      expect(result.response).toBeInstanceOf(Response);
      expect(result.response.status).toBe(200);
      expect(Object.isExtensible(result)).toBe(false);
    }
  });

  test("its response is one object, and may be replaced or deleted", async () => {
    const result = await pause();
    const { response } = result;
    expect(result.response).toBe(response);
    const replaced = new Response(null, { status: 299 });
    result.response = replaced;
    expect(result.response).toBe(replaced);
    const untouched = await pause();
    untouched.response = replaced;
    expect(untouched.response).toBe(replaced);
    delete (result as Partial<typeof result>).response;
    expect("response" in result).toBe(false);
  });

  test("an empty JSON string as a failure's body gets the API's shape", async () => {
    const result = await made().POST(PAUSE, { params: { path: { flowControlKey: "fail" } } });
    expect(result.error).toEqual({ error: "Bad Request" });
  });

  test("is logged with its response, as openapi-fetch's is, untouched or not", async () => {
    const touched = await pause();
    void touched.response;
    expect(inspect(touched)).toBe(inspect({ data: KEYS, response: touched.response }));
    const shown = inspect(await pause());
    expect(shown).toContain("data: [");
    expect(shown).toContain("response: Response {");
    expect(shown).toContain("status: 200");
  });
});

describe("a reply no Response can carry", () => {
  let raw: Server;
  let baseUrl: string;
  let received = 0;
  const STATUS_LINES = new Map([
    ["a status past 599", "HTTP/1.1 600 Odd"],
    ["a control character in the reason", "HTTP/1.1 200 O\x01K"],
  ]);
  beforeAll(async () => {
    raw = createServer((socket) => {
      socket.once("data", (chunk) => {
        received++;
        const name = decodeURIComponent(/x-reply: ([^\r]+)/i.exec(chunk.toString("latin1"))?.[1] ?? "");
        socket.end(`${STATUS_LINES.get(name)}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => raw.close(() => resolve())));

  test.each([...STATUS_LINES.keys()])(
    "fails its attempt either way, retried as garbage from a connection: %s",
    async (name) => {
      const headers = { "x-reply": encodeURIComponent(name) };
      const direct = createQStashClient({ token: TOKEN, baseUrl, headers, maxRetries: 1 });
      const other = createQStashClient({ token: TOKEN, baseUrl, headers, maxRetries: 1 });
      other.use(passThrough);
      // Never an error result: there is no Response to put in it.
      for (const client of [direct, other]) {
        const before = received;
        const failure = (await client.GET("/v2/globalParallelism").catch((error: unknown) => error)) as Error;
        expect(failure).toBeInstanceOf(ConnectionError);
        expect(failure.message).toMatch(/^connection failed after 2 attempts/);
        expect(received - before).toBe(2);
      }
    },
  );
});
