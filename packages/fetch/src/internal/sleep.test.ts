import { expect, test, vi } from "vitest";
import { sleep } from "./sleep.js";

test("resolves after the time given", async () => {
  await expect(sleep(1, undefined)).resolves.toBeUndefined();
});

test("resolves as soon as the signal aborts, long before the time given", async () => {
  const controller = new AbortController();
  const slept = sleep(3_600_000, controller.signal);
  controller.abort(new Error("stop"));
  await expect(slept).resolves.toBeUndefined();
});

test("an already aborted signal ends the wait at once", async () => {
  await expect(sleep(3_600_000, AbortSignal.abort())).resolves.toBeUndefined();
});

test("under fake timers the wait is one of the fake clock's and ends when it gets there", async () => {
  vi.useFakeTimers();
  try {
    let done = false;
    void sleep(5_000, undefined).then(() => {
      done = true;
    });
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  } finally {
    vi.useRealTimers();
  }
});
