import { afterEach, expect, test, vi } from "vitest";
import { pooledTimers, startTimer } from "./timer-node.js";

// Each test uses a duration of its own: kept timers are pooled per duration.
const after = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const heldTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

afterEach(() => {
  vi.useRealTimers();
});

test("an armed timer fires once, in its turn among other timers", async () => {
  const order: string[] = [];
  const fired = new Promise<void>((done) =>
    startTimer(31, () => {
      order.push("armed");
      done();
    }),
  );
  setTimeout(() => order.push("shorter"), 5);
  const longer = after(90).then(() => order.push("longer"));
  await fired;
  await longer;
  expect(order).toEqual(["shorter", "armed", "longer"]);
});

test("a stopped timer never fires, and a second stop does nothing", async () => {
  let fired = false;
  const stop = startTimer(11, () => {
    fired = true;
  });
  stop();
  stop();
  await after(40);
  expect(fired).toBe(false);
});

test("a stopped timer is kept, unref'd, and the next one of its duration re-arms it from its own start", async () => {
  const held = heldTimers();
  startTimer(52, () => {})();
  expect(pooledTimers()).toBeGreaterThanOrEqual(1);
  // Kept, it holds no process open.
  expect(heldTimers()).toBe(held);
  const kept = pooledTimers();

  await after(30);
  const order: string[] = [];
  const fired = new Promise<void>((done) =>
    startTimer(52, () => {
      order.push("re-armed");
      done();
    }),
  );
  expect(pooledTimers()).toBe(kept - 1);
  expect(heldTimers()).toBe(held + 1);
  // Due 52 ms after its re-arming, not after its first start (which would be before this).
  setTimeout(() => order.push("35 ms after re-arming"), 35);
  await fired;
  expect(order).toEqual(["35 ms after re-arming", "re-armed"]);
});

test("a kept timer unused for its whole duration is let go", async () => {
  startTimer(23, () => {})();
  const kept = pooledTimers();
  expect(kept).toBeGreaterThanOrEqual(1);
  await after(80);
  expect(pooledTimers()).toBe(kept - 1);
});

test("a timer that fired is not kept: its arming is over", async () => {
  const before = pooledTimers();
  let stop = () => {};
  await new Promise<void>((done) => {
    stop = startTimer(7, done);
  });
  stop();
  expect(pooledTimers()).toBe(before);
});

test("at most 64 finished timers of one duration are kept; the rest are cleared", () => {
  const before = pooledTimers();
  const stops = Array.from({ length: 70 }, () => startTimer(60_013, () => {}));
  for (const stop of stops) stop();
  expect(pooledTimers() - before).toBe(64);
});

test("a timer kept from real timers is not re-armed under a test's fake timers, which then time the attempt", () => {
  startTimer(1_009, () => {})();
  vi.useFakeTimers();
  let fired = false;
  startTimer(1_009, () => {
    fired = true;
  });
  vi.advanceTimersByTime(1_009);
  expect(fired).toBe(true);
});
