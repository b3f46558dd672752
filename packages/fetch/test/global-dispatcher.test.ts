// An app that set a global dispatcher for fetch (undici's setGlobalDispatcher) has its
// calls go through it: a MockAgent that refuses the network must see them, a proxy must
// carry them. With nothing set, or only the default Agent, Node's own HTTP stays the carrier.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect as dial, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import {
  Agent,
  buildConnector,
  type Dispatcher,
  EnvHttpProxyAgent,
  getGlobalDispatcher,
  MockAgent,
  ProxyAgent,
  setGlobalDispatcher,
} from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { ConnectionError, createQStashClient, createQStashTransport } from "../src/index.ts";

const TOKEN = "dispatcher-Token-0042";
const GLOBAL = { parallelismMax: 4, parallelismCount: 1 };
let api: LoopbackServer;
let original: Dispatcher;

beforeAll(async () => {
  api = await startLoopbackServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(GLOBAL));
  });
  original = getGlobalDispatcher();
});
afterEach(() => setGlobalDispatcher(original));
afterAll(() => api.close());

const transport = () => createQStashTransport({ token: TOKEN, baseUrl: api.url, maxRetries: 0 });
const globalParallelism = () => transport().request("get", "/v2/globalParallelism");
/** Node's fetch adds `sec-fetch-mode`; node:http sends no such header. */
const lastCarrier = () => (api.requests.at(-1)?.headers["sec-fetch-mode"] ? "fetch" : "node:http");

describe("no dispatcher of the app's: Node's own HTTP", () => {
  // Importing undici installed its default Agent; transport.test.ts checks Node's own.
  test("after fetch has run through the default dispatcher", async () => {
    await fetch(`${api.url}/warm-up`);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for("undici.globalDispatcher.1")]).toBeDefined();
    expect(await globalParallelism()).toEqual(GLOBAL);
    expect(lastCarrier()).toBe("node:http");
  });

  test("an Agent made without options is the default's twin", async () => {
    setGlobalDispatcher(new Agent());
    await globalParallelism();
    expect(lastCarrier()).toBe("node:http");
  });
});

describe("a MockAgent that refuses the network", () => {
  function mocked() {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock
      .get(api.url)
      .intercept({ path: "/v2/globalParallelism", headers: { authorization: `Bearer ${TOKEN}` } })
      .reply(200, { parallelismMax: 99, parallelismCount: 0 }, { headers: { "content-type": "application/json" } })
      .persist();
    return mock;
  }

  test("answers the transport and the typed client, made before it was set; the server sees nothing", async () => {
    const before = api.requests.length;
    const made = transport();
    const client = createQStashClient({ token: TOKEN, baseUrl: api.url, maxRetries: 0 });
    setGlobalDispatcher(mocked());
    expect(await made.request("get", "/v2/globalParallelism")).toEqual({ parallelismMax: 99, parallelismCount: 0 });
    const { data } = await client.GET("/v2/globalParallelism");
    expect(data).toEqual({ parallelismMax: 99, parallelismCount: 0 });
    expect(api.requests.length).toBe(before);
  });

  test("the typed client's direct way and openapi-fetch's give the same result through it", async () => {
    // openapi-fetch takes the global Request when a client is made: count what it builds.
    let built = 0;
    vi.stubGlobal(
      "Request",
      class extends Request {
        constructor(...args: ConstructorParameters<typeof Request>) {
          super(...args);
          built++;
        }
      },
    );
    const direct = createQStashClient({ token: TOKEN, baseUrl: api.url, maxRetries: 0 });
    const other = createQStashClient({ token: TOKEN, baseUrl: api.url, maxRetries: 0 });
    vi.unstubAllGlobals();
    other.use({ onRequest: () => undefined });
    setGlobalDispatcher(mocked());
    const seen = async (client: typeof direct) => {
      const { data, response } = await client.GET("/v2/globalParallelism");
      return { data, status: response.status, headers: [...response.headers], bodyUsed: response.bodyUsed };
    };
    const first = await seen(direct);
    expect(built).toBe(0);
    expect(first.data).toEqual({ parallelismMax: 99, parallelismCount: 0 });
    expect(first).toEqual(await seen(other));
    expect(built).toBe(1);
  });

  test("a call it has no answer for is refused, and never reaches the server", async () => {
    const before = api.requests.length;
    setGlobalDispatcher(mocked());
    const error = (await transport()
      .request("get", "/v2/flowControl")
      .catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(String((error.cause as Error).cause)).toMatch(/net\.connect disabled/);
    expect(api.requests.length).toBe(before);
  });

  test("once the app puts the default back, Node's own HTTP carries the calls again", async () => {
    setGlobalDispatcher(mocked());
    setGlobalDispatcher(original);
    const before = api.requests.length;
    expect(await globalParallelism()).toEqual(GLOBAL);
    expect(api.requests.length).toBe(before + 1);
    expect(lastCarrier()).toBe("node:http");
  });
});

describe("a proxy", () => {
  let proxy: Server;
  let proxyUrl: string;
  const tunnels: string[] = [];

  // A forward proxy for HTTPS-style tunnels: CONNECT host:port, then bytes both ways.
  beforeAll(async () => {
    const sockets = new Set<Socket>();
    proxy = createServer();
    proxy.on("connect", (request, client: Socket, head: Buffer) => {
      tunnels.push(request.url ?? "");
      const [host = "", port = ""] = (request.url ?? "").split(":");
      const upstream = dial(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("error", () => {});
        socket.on("close", () => sockets.delete(socket));
      }
    });
    proxy.on("close", () => {
      for (const socket of sockets) socket.destroy();
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    proxy.closeAllConnections();
    return new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  const apiHost = () => new URL(api.url).host;

  test("without a dispatcher the calls go direct", async () => {
    const before = tunnels.length;
    await globalParallelism();
    expect(tunnels.length).toBe(before);
  });

  test("a ProxyAgent carries the transport's and the typed client's calls", async () => {
    const before = tunnels.length;
    setGlobalDispatcher(new ProxyAgent(proxyUrl));
    expect(await globalParallelism()).toEqual(GLOBAL);
    const { data } = await createQStashClient({ token: TOKEN, baseUrl: api.url }).GET("/v2/globalParallelism");
    expect(data).toEqual(GLOBAL);
    expect(tunnels.slice(before)).toContain(apiHost());
    expect(api.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  test("HTTP_PROXY, read by an EnvHttpProxyAgent the app sets, as the README says", async () => {
    const before = tunnels.length;
    // Only HTTP_PROXY, whatever the machine's environment holds: the lower-case names win,
    // and a NO_PROXY (read at each request) could list 127.0.0.1.
    const names = ["HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"];
    const saved = names.map((name) => process.env[name]);
    for (const name of names) delete process.env[name];
    process.env.HTTP_PROXY = proxyUrl;
    try {
      setGlobalDispatcher(new EnvHttpProxyAgent());
      expect(await globalParallelism()).toEqual(GLOBAL);
    } finally {
      for (const [i, name] of names.entries()) {
        if (saved[i] === undefined) delete process.env[name];
        else process.env[name] = saved[i];
      }
    }
    expect(tunnels.slice(before)).toEqual([apiHost()]);
  });
});

test("an Agent of the app's own (here one that counts its connections) carries the calls", async () => {
  let connections = 0;
  const connector = buildConnector({});
  setGlobalDispatcher(
    new Agent({
      connect: (options, callback) => {
        connections++;
        return connector(options, callback);
      },
    }),
  );
  expect(await globalParallelism()).toEqual(GLOBAL);
  expect(connections).toBe(1);
  expect(lastCarrier()).toBe("fetch");
});

test.each([
  ["without NODE_USE_ENV_PROXY: node:http", undefined, "node:http"],
  ["with NODE_USE_ENV_PROXY=1, under which newer Node sends fetch through the proxy variables: fetch", "1", "fetch"],
])("%s", async (_, flag, carrier) => {
  // The built package, in a process of its own: the flag is read when it loads.
  const script = `
    import { createQStashTransport } from "@qstash-flow/fetch";
    await createQStashTransport({ token: "t", baseUrl: ${JSON.stringify(api.url)}, maxRetries: 0 })
      .request("get", "/v2/globalParallelism");
  `;
  const { HTTP_PROXY, HTTPS_PROXY, http_proxy, https_proxy, NODE_USE_ENV_PROXY, ...env } = process.env;
  const before = api.requests.length;
  await new Promise<void>((resolve, reject) =>
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: fileURLToPath(new URL("..", import.meta.url)), env: flag ? { ...env, NODE_USE_ENV_PROXY: flag } : env },
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  expect(api.requests.length).toBe(before + 1);
  expect(lastCarrier()).toBe(carrier);
});
