// The official SDK, `@upstash/qstash`, against the dev server over real HTTP, set up the
// way a user does it: the environment block the bin prints, nothing else. It publishes
// with flow control, runs every `client.flowControl` method, and its `Receiver` checks
// the signature of every delivery. Limits are observed through state and events (what
// the destination holds open, what the server reports), never through timing.
import { Client, Receiver } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type DevServer, startDevServer } from "../src/index.ts";
import { barrier, eventually, type Sink, sinksPerTest } from "./helpers.ts";

let server: DevServer;
let client: Client;
let receiver: Receiver;
const sink = sinksPerTest();

beforeAll(async () => {
  server = await startDevServer({ port: 0, globalParallelism: 50 });
  // What a user pastes from the bin's banner. QSTASH_DEV off: the SDK must not start its own server.
  vi.stubEnv("QSTASH_DEV", "false");
  vi.stubEnv("QSTASH_REGION", "");
  vi.stubEnv("QSTASH_URL", server.url);
  vi.stubEnv("QSTASH_TOKEN", server.token);
  vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", server.currentSigningKey);
  vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", server.nextSigningKey);
  client = new Client({ retry: false, enableTelemetry: false });
  receiver = new Receiver();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

/** Every delivery the sink got verifies with the official Receiver, for its own body and URL. */
async function expectSigned(destination: Sink, count: number): Promise<void> {
  const requests = destination.server.requests;
  expect(requests).toHaveLength(count);
  for (const request of requests) {
    const signature = request.headers["upstash-signature"];
    expect(signature).toEqual(expect.any(String));
    await expect(
      receiver.verify({ signature: signature as string, body: request.body, url: destination.url }),
    ).resolves.toBe(true);
  }
}

describe("publishJSON with flowControl", () => {
  test("parallelism: at most 2 deliveries open at the destination, all delivered in order", async () => {
    const destination = await sink({ hold: true });
    const key = "compat-parallelism";
    for (let i = 1; i <= 6; i++) {
      const { messageId } = await client.publishJSON({
        url: destination.url,
        body: { order: i },
        flowControl: { key, parallelism: 2 },
      });
      expect(messageId).toMatch(/^msg_/);
    }
    await eventually(() => expect(destination.open).toBe(2));
    // The server's own account: 2 in flight, 4 waiting, so no third is on its way.
    expect(await client.flowControl.get(key)).toMatchObject({
      parallelismMax: 2,
      parallelismCount: 2,
      waitListSize: 4,
    });
    for (let released = 0; released < 6; released++) {
      await eventually(() => expect(destination.open).toBeGreaterThan(0));
      destination.release();
    }
    await eventually(() => expect(destination.bodies()).toHaveLength(6));
    expect(destination.maxOpen).toBe(2);
    expect(destination.bodies()).toEqual([1, 2, 3, 4, 5, 6].map((order) => JSON.stringify({ order })));
    expect(destination.server.requests[0]?.headers["content-type"]).toBe("application/json");
    await expectSigned(destination, 6);
  });

  test("rate: 2 per hour start, the rest wait until resetRate opens a new period", async () => {
    const destination = await sink();
    const key = "compat-rate";
    for (let i = 1; i <= 5; i++) {
      await client.publishJSON({ url: destination.url, body: { n: i }, flowControl: { key, rate: 2, period: "1h" } });
    }
    await eventually(() => expect(destination.bodies()).toHaveLength(2));
    await barrier(server, destination);
    expect(destination.bodies().filter((body) => body.startsWith("{"))).toHaveLength(2);
    expect(await client.flowControl.get(key)).toMatchObject({
      rateMax: 2,
      rateCount: 2,
      ratePeriod: 3600,
      waitListSize: 3,
    });

    await client.flowControl.resetRate(key);
    await eventually(() => expect(destination.bodies().filter((body) => body.startsWith("{"))).toHaveLength(4));
    expect(await client.flowControl.get(key)).toMatchObject({ rateCount: 2, waitListSize: 1 });
    await expectSigned(destination, 5);
  });

  test("a period over one week is refused with the reason, as the API documents", async () => {
    const destination = await sink();
    vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(
      client.publishJSON({
        url: destination.url,
        body: {},
        flowControl: { key: "compat-long", rate: 1, period: "8d" },
      }),
    ).rejects.toThrow(/period must be at most one week/);
    vi.mocked(console.error).mockRestore();
  });
});

describe("client.flowControl", () => {
  test("pause, resume, pin, unpin, resetRate, get and getGlobalParallelism", async () => {
    const destination = await sink();
    const key = "compat-methods";
    await client.flowControl.pause(key);
    await client.publishJSON({ url: destination.url, body: { paused: true }, flowControl: { key, parallelism: 3 } });
    await barrier(server, destination);
    expect(destination.bodies().filter((body) => body.startsWith("{"))).toEqual([]);
    expect(await client.flowControl.get(key)).toMatchObject({
      flowControlKey: key,
      isPaused: true,
      waitListSize: 1,
      parallelismMax: 3,
    });

    await client.flowControl.resume(key);
    await eventually(() => expect(destination.bodies()).toContain('{"paused":true}'));
    expect(await client.flowControl.get(key)).toMatchObject({ isPaused: false, waitListSize: 0 });

    await client.flowControl.pin(key, { parallelism: 1, rate: 5, period: 60 });
    expect(await client.flowControl.get(key)).toMatchObject({
      isPinnedParallelism: true,
      isPinnedRate: true,
      parallelismMax: 1,
      rateMax: 5,
      ratePeriod: 60,
    });
    // While pinned, a message's own configuration is ignored.
    await client.publishJSON({ url: destination.url, body: {}, flowControl: { key, parallelism: 9, rate: 9 } });
    expect(await client.flowControl.get(key)).toMatchObject({ parallelismMax: 1, rateMax: 5 });

    await client.flowControl.unpin(key, { parallelism: true, rate: true });
    expect(await client.flowControl.get(key)).toMatchObject({ isPinnedParallelism: false, isPinnedRate: false });

    await client.flowControl.resetRate(key);
    expect(await client.flowControl.get(key)).toMatchObject({ rateCount: 0 });

    await eventually(() => expect(destination.bodies().filter((body) => body.startsWith("{"))).toHaveLength(2));
    // A delivery holds its slot until the destination's answer is read, after the sink has the body.
    await eventually(async () =>
      expect(await client.flowControl.getGlobalParallelism()).toEqual({ parallelismMax: 50, parallelismCount: 0 }),
    );
  });
});

describe("signatures", () => {
  test("Receiver.verify refuses a tampered body or another URL", async () => {
    const destination = await sink();
    await client.publishJSON({ url: destination.url, body: { amount: 10 } });
    await eventually(() => expect(destination.bodies()).toHaveLength(1));
    const [request] = destination.server.requests;
    const signature = request?.headers["upstash-signature"] as string;
    await expect(receiver.verify({ signature, body: '{"amount":10}', url: destination.url })).resolves.toBe(true);
    await expect(receiver.verify({ signature, body: '{"amount":1000}', url: destination.url })).rejects.toThrow(
      /body hash does not match/,
    );
    await expect(
      receiver.verify({ signature, body: '{"amount":10}', url: `${destination.url}/other` }),
    ).rejects.toThrow(/invalid subject/);
  });
});

describe("routes the dev server does not serve", () => {
  test("the SDK gets the 501 and its message", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const failure = await client.schedules.get("scd_unknown").catch((error: unknown) => error);
    // The SDK puts the response body in its message as it came.
    expect(failure).toMatchObject({
      status: 501,
      message: JSON.stringify({ error: "GET /v2/schedules/scd_unknown is not served by the local QStash dev server" }),
    });
    await expect(client.queue({ queueName: "q" }).list()).rejects.toMatchObject({ status: 501 });
    logged.mockRestore();
  });
});
