import { expect, test } from "vitest";
import { keptTimers, startTimer } from "./timer-node.js";

// Each test uses durations of its own: kept timers are re-armed by duration. Verdicts
// follow from the order timers fire in, never from how long anything took. Under a test's
// fake timers, each build is tested in test/builds.test.ts.
const after = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const heldTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
const firing = (ms: number, onFire: () => void = () => {}) =>
  new Promise<void>((done) => {
    startTimer(ms, () => {
      onFire();
      done();
    });
  });

test("an armed timer fires once, in its turn among other timers", async () => {
  const order: string[] = [];
  const fired = firing(31, () => order.push("armed"));
  setTimeout(() => order.push("shorter"), 5);
  const longer = after(90).then(() => order.push("longer"));
  await fired;
  await longer;
  expect(order).toEqual(["shorter", "armed", "longer"]);
});

test("a stopped timer never fires; it is kept once, however often it is stopped", async () => {
  let fired = false;
  const before = keptTimers();
  const stop = startTimer(11, () => {
    fired = true;
  });
  stop();
  stop();
  expect(keptTimers()).toBe(before + 1);
  await after(40);
  expect(fired).toBe(false);
});

test("an armed timer holds the process open, a kept one does not", () => {
  const held = heldTimers();
  const stop = startTimer(60_007, () => {});
  expect(heldTimers()).toBe(held + 1);
  stop();
  expect(heldTimers()).toBe(held);
  // Re-armed, it holds it again; kept again, no longer.
  const again = startTimer(60_007, () => {});
  expect(heldTimers()).toBe(held + 1);
  again();
  expect(heldTimers()).toBe(held);
});

test("the next attempt of the duration re-arms a kept timer, due from its new start", async () => {
  startTimer(300, () => {})();
  const kept = keptTimers();
  await after(150);
  const order: string[] = [];
  const fired = firing(300, () => order.push("re-armed"));
  expect(keptTimers()).toBe(kept - 1);
  // Due 300 ms from now; from its first start it would be due in 150 ms, before this one.
  setTimeout(() => order.push("225 ms after re-arming"), 225);
  await fired;
  expect(order).toEqual(["225 ms after re-arming", "re-armed"]);
});

test("an old stop does not disarm the attempt its timer was re-armed for", async () => {
  const stopFirst = startTimer(41, () => {
    throw new Error("the first attempt was stopped");
  });
  stopFirst();
  const kept = keptTimers();
  const order: string[] = [];
  const fired = firing(41, () => order.push("re-armed"));
  expect(keptTimers()).toBe(kept - 1);
  stopFirst();
  await Promise.race([fired, after(400)]);
  expect(order).toEqual(["re-armed"]);
});

test("a timeout may stop itself and start a timer of its own duration", async () => {
  startTimer(17, () => {})();
  const kept = keptTimers();
  await new Promise<void>((done) => {
    const stop = startTimer(17, () => {
      stop();
      startTimer(17, done);
    });
    expect(keptTimers()).toBe(kept - 1);
  });
  // The stop in its own timeout kept nothing, nor did the timer that then fired.
  expect(keptTimers()).toBe(kept - 1);
});

test("a kept timer unused for its whole duration is let go", async () => {
  startTimer(23, () => {})();
  const kept = keptTimers();
  await after(80);
  expect(keptTimers()).toBe(kept - 1);
  // Gone for good: the next attempt makes a timer of its own, which is then kept.
  startTimer(23, () => {})();
  expect(keptTimers()).toBe(kept);
});

test("a timer that fired is not kept: its arming is over", async () => {
  const before = keptTimers();
  let stop = () => {};
  await new Promise<void>((done) => {
    stop = startTimer(7, done);
  });
  stop();
  expect(keptTimers()).toBe(before);
});

// Last: it leaves the most timers kept.
test("at most 64 finished timers are kept, whatever their durations; the rest are cleared", () => {
  const stops = Array.from({ length: 70 }, (_, i) => startTimer(60_100 + (i % 3), () => {}));
  for (const stop of stops) stop();
  expect(keptTimers()).toBe(64);
});
