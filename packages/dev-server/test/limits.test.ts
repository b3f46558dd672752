// The server's own bounds and delivery edge cases: global parallelism, the waiting
// cap, the key cap, a destination that errors, one that never answers.
import { startLoopbackServer } from "@qstash-flow/test-utils";
import { afterEach, describe, expect, test } from "vitest";
import { type DevServer, type DevServerEvent, type DevServerOptions, startDevServer } from "../src/index.ts";
import { eventually, flowControl, publish, publishOk, type Sink, startSink } from "./helpers.ts";

const open: Array<{ close(): Promise<void> }> = [];
const sinks: Sink[] = [];

async function server(options: DevServerOptions = {}): Promise<DevServer> {
  const started = await startDevServer({ port: 0, ...options });
  open.push(started);
  return started;
}

async function sink(options: Parameters<typeof startSink>[0] = {}): Promise<Sink> {
  const started = await startSink(options);
  sinks.push(started);
  return started;
}

afterEach(async () => {
  for (const s of sinks) s.releaseAll();
  for (const item of open.splice(0)) await item.close();
  for (const s of sinks.splice(0)) await s.close();
});

test("globalParallelism caps deliveries in flight across keys and reports its use", async () => {
  const dev = await server({ globalParallelism: 2 });
  const fc = flowControl(dev);
  const s = await sink({ hold: true });
  await publishOk(dev, s.url, { body: "a" });
  await publishOk(dev, s.url, { key: "g1", value: "parallelism=5", body: "b" });
  await publishOk(dev, s.url, { key: "g2", value: "parallelism=5", body: "c" });
  await publishOk(dev, s.url, { body: "d" });
  await eventually(() => expect(s.bodies()).toHaveLength(2));
  expect(await fc.getGlobalParallelism()).toEqual({ parallelismMax: 2, parallelismCount: 2 });
  expect(await fc.get("g2")).toMatchObject({ waitListSize: 1 });
  for (let done = 1; done <= 4; done++) {
    s.release();
    await eventually(() => expect(s.bodies()).toHaveLength(Math.min(4, done + 2)));
  }
  expect(s.maxOpen).toBe(2);
  expect([...s.bodies()].sort()).toEqual(["a", "b", "c", "d"]);
  await eventually(async () =>
    expect(await fc.getGlobalParallelism()).toEqual({ parallelismMax: 2, parallelismCount: 0 }),
  );
});

/**
 * The capacity 429s are not rate limits: no time clears them, so they carry none of the
 * headers a client would read as "retry after" (Retry-After, Burst-RateLimit-*, RateLimit-*).
 */
function expectNoRateLimitHeaders(response: Response): void {
  const names = [...response.headers.keys()];
  expect(names.filter((name) => name === "retry-after" || /ratelimit/.test(name))).toEqual([]);
}

describe("memory bounds", () => {
  test("past maxWaitingMessages publish answers 429 {error} and nothing changes", async () => {
    const dev = await server({ maxWaitingMessages: 2 });
    const fc = flowControl(dev);
    const s = await sink();
    await fc.pause("cap");
    await publishOk(dev, s.url, { key: "cap", value: "parallelism=1" });
    await publishOk(dev, s.url, { key: "cap", value: "parallelism=1" });
    for (const options of [{ key: "cap", value: "parallelism=9" }, { key: "other", value: "rate=1" }, {}]) {
      const refused = await publish(dev, s.url, options);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: string }).error).toContain("maxWaitingMessages");
      expectNoRateLimitHeaders(refused);
    }
    expect(await fc.get("cap")).toMatchObject({ waitListSize: 2, parallelismMax: 1 });
    expect((await fc.list()).map((info) => info.flowControlKey)).toEqual(["cap"]);
    expect(s.bodies()).toHaveLength(0);
    await fc.resume("cap");
    await eventually(() => expect(s.bodies()).toHaveLength(2));
    await publishOk(dev, s.url, { key: "cap", value: "parallelism=1" });
  });

  test("messages waiting for a retry and dead messages count against maxWaitingMessages", async () => {
    const events: DevServerEvent[] = [];
    const dev = await server({ maxWaitingMessages: 2, retryDelayScale: 1, log: (event) => events.push(event) });
    const s = await sink({ status: 500 });
    const dying = await publishOk(dev, s.url, { headers: { "Upstash-Retries": "0" } });
    const retrying = await publishOk(dev, s.url, { headers: { "Upstash-Retry-Delay": "3600000" } });
    await eventually(() => expect(events).toContainEqual(expect.objectContaining({ type: "dead", messageId: dying })));
    await eventually(() =>
      expect(events).toContainEqual(expect.objectContaining({ type: "retrying", messageId: retrying })),
    );
    const refused = await publish(dev, s.url);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: string }).error).toMatch(/holds 2 waiting, retrying or dead messages/);
  });

  test("dead letters retried past maxWaitingMessages take their own places: none is lost", async () => {
    const events: DevServerEvent[] = [];
    const dev = await server({ maxWaitingMessages: 1, retryDelayScale: 0, log: (event) => events.push(event) });
    let down = true;
    const arrived: string[] = [];
    // While down, each failure waits for the other message to arrive: both are in flight.
    const held: Array<() => void> = [];
    const flaky = await startLoopbackServer(async (request, response) => {
      if (down) {
        await new Promise<void>((resolve) => {
          held.push(resolve);
          if (held.length === 2) for (const release of held) release();
        });
      } else arrived.push(request.body);
      response.statusCode = down ? 500 : 200;
      response.end();
    });
    try {
      // Both in flight at once (neither waits), both dead: two held against a limit of one.
      const ids = [
        await publishOk(dev, flaky.url, { body: "a", headers: { "Upstash-Retries": "0" } }),
        await publishOk(dev, flaky.url, { body: "b", headers: { "Upstash-Retries": "0" } }),
      ];
      for (const id of ids)
        await eventually(() => expect(events).toContainEqual(expect.objectContaining({ type: "dead", messageId: id })));
      down = false;
      const auth = { authorization: `Bearer ${dev.token}` };
      const retried = await fetch(new URL("/v2/dlq/retry", dev.url), { method: "POST", headers: auth });
      expect(retried.status).toBe(201);
      expect(((await retried.json()) as { responses: unknown[] }).responses).toHaveLength(2);
      await eventually(() => expect(arrived.sort()).toEqual(["a", "b"]));
    } finally {
      await flaky.close();
    }
  });

  test("a cancelled message and a deleted dead message free their place under maxWaitingMessages", async () => {
    const events: DevServerEvent[] = [];
    const dev = await server({ maxWaitingMessages: 2, retryDelayScale: 0, log: (event) => events.push(event) });
    const s = await sink();
    await flowControl(dev).pause("full");
    const first = await publishOk(dev, s.url, { key: "full" });
    const dying = await publishOk(dev, "http://127.0.0.1:9/closed", { headers: { "Upstash-Retries": "0" } });
    await eventually(() => expect(events).toContainEqual(expect.objectContaining({ type: "dead", messageId: dying })));
    expect((await publish(dev, s.url)).status).toBe(429);
    const auth = { authorization: `Bearer ${dev.token}` };
    const cancel = await fetch(new URL(`/v2/messages/${first}`, dev.url), { method: "DELETE", headers: auth });
    expect(await cancel.json()).toEqual({ cancelled: 1 });
    await publishOk(dev, s.url, { key: "full" });
    expect((await publish(dev, s.url)).status).toBe(429);
    const deleted = await fetch(new URL("/v2/dlq", dev.url), { method: "DELETE", headers: auth });
    expect(await deleted.json()).toEqual({ deleted: 1 });
    await publishOk(dev, s.url, { key: "full" });
  });

  test("past maxKeys a new key is refused with 429; known keys still work", async () => {
    const dev = await server({ maxKeys: 1 });
    const s = await sink();
    await publishOk(dev, s.url, { key: "only", value: "rate=100" });
    const refused = await publish(dev, s.url, { key: "second", value: "rate=100" });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: string }).error).toContain("maxKeys");
    expectNoRateLimitHeaders(refused);
    const pause = await fetch(new URL("/v2/flowControl/third/pause", dev.url), {
      method: "POST",
      headers: { authorization: `Bearer ${dev.token}` },
    });
    expect(pause.status).toBe(429);
    expectNoRateLimitHeaders(pause);
    await publishOk(dev, s.url, { key: "only", value: "rate=100" });
  });

  test("a body over maxBodyBytes is refused with 413", async () => {
    const dev = await server({ maxBodyBytes: 10 });
    const s = await sink();
    const refused = await publish(dev, s.url, { body: "x".repeat(11) });
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: string }).error).toContain("maxBodyBytes");
    await publishOk(dev, s.url, { body: "x".repeat(10) });
    await eventually(() => expect(s.bodies()).toEqual(["x".repeat(10)]));
  });
});

describe("delivery outcomes", () => {
  test("a 500 is a failed attempt that frees the slot; with Upstash-Retries: 0 the message is dead at once", async () => {
    const events: DevServerEvent[] = [];
    const dev = await server({ log: (event) => events.push(event) });
    const s = await sink({ status: 500 });
    const headers = { "Upstash-Retries": "0" };
    const first = await publishOk(dev, s.url, { key: "err", value: "parallelism=1", body: "a", headers });
    const second = await publishOk(dev, s.url, { key: "err", value: "parallelism=1", body: "b", headers });
    await eventually(() => expect(s.bodies()).toEqual(["a", "b"]));
    const dead = () => events.flatMap((event) => (event.type === "dead" ? [event] : []));
    await eventually(() => expect(dead().map((event) => event.messageId)).toEqual([first, second]));
    expect(dead()[0]).toMatchObject({ status: 500, retried: 0, maxRetries: 0, flowControlKey: "err" });
    expect(events.filter((event) => event.type === "delivered")).toEqual([]);
  });

  test("a destination that never answers is abandoned after deliveryTimeout and the key moves on", async () => {
    const events: DevServerEvent[] = [];
    const dev = await server({ deliveryTimeout: 100, log: (event) => events.push(event) });
    const s = await sink({ hold: true });
    const headers = { "Upstash-Retries": "0" };
    const stuck = await publishOk(dev, s.url, { key: "hung", value: "parallelism=1", body: "a", headers });
    const next = await publishOk(dev, s.url, { key: "hung", value: "parallelism=1", body: "b", headers });
    // The sink never answers, so both are abandoned, "b" only once "a" freed the slot. On
    // a loaded machine a request may be abandoned before the sink has read it, so the
    // sink's record is checked for order, not completeness.
    const dead = () => events.flatMap((event) => (event.type === "dead" ? [event] : []));
    await eventually(() => expect(dead().map((event) => event.messageId)).toEqual([stuck, next]));
    for (const failed of dead()) {
      expect(failed).toMatchObject({
        flowControlKey: "hung",
        error: expect.stringContaining("no response within 100 ms"),
      });
    }
    expect(s.bodies()).toEqual(["a", "b"].filter((body) => s.bodies().includes(body)));
  });

  test("a refused connection is a failed attempt and frees the slot", async () => {
    const events: DevServerEvent[] = [];
    const dev = await server({ log: (event) => events.push(event) });
    const gone = await startSink();
    const url = gone.url;
    await gone.close();
    const s = await sink();
    const lost = await publishOk(dev, url, {
      key: "refused",
      value: "parallelism=1",
      headers: { "Upstash-Retries": "0" },
    });
    await publishOk(dev, s.url, { key: "refused", value: "parallelism=1", body: "next" });
    await eventually(() => expect(s.bodies()).toEqual(["next"]));
    await eventually(() =>
      expect(events).toContainEqual(
        expect.objectContaining({ type: "dead", messageId: lost, error: expect.stringContaining("ECONNREFUSED") }),
      ),
    );
  });

  test("the log hook sees publish, delivery and requests, never the token", async () => {
    const events: DevServerEvent[] = [];
    const dev = await server({ token: "secret-dev-token", log: (event) => events.push(event) });
    const s = await sink();
    const id = await publishOk(dev, s.url, { key: "logged", value: "rate=5" });
    await eventually(() => expect(events.map((event) => event.type)).toContain("delivered"));
    expect(events).toContainEqual({ type: "published", messageId: id, destination: s.url, flowControlKey: "logged" });
    expect(events).toContainEqual(
      expect.objectContaining({ type: "request", method: "POST", operation: "publish", status: 201 }),
    );
    expect(JSON.stringify(events)).not.toContain("secret-dev-token");
  });
});
