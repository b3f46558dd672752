import { MAX_TIMER_MS } from "@qstash-flow/fetch/internal";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { Alarms, Sleepers, setLongTimeout } from "./timer.ts";

// Fake timers behave as Node's do past MAX_TIMER_MS: such a timer fires after 1 ms.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const DAY = 86_400_000;

test("a delay past Node's longest timer fires once, at its time, not at once and not in a loop", () => {
  const callback = vi.fn();
  setLongTimeout(callback, 30 * DAY);
  vi.advanceTimersByTime(1);
  expect(callback).not.toHaveBeenCalled();
  vi.advanceTimersByTime(MAX_TIMER_MS);
  expect(callback).not.toHaveBeenCalled();
  // One timer waits at a time: the chain, not a pile of them.
  expect(vi.getTimerCount()).toBe(1);
  vi.advanceTimersByTime(30 * DAY - MAX_TIMER_MS - 2);
  expect(callback).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(callback).toHaveBeenCalledTimes(1);
  vi.advanceTimersByTime(100 * DAY);
  expect(callback).toHaveBeenCalledTimes(1);
  expect(vi.getTimerCount()).toBe(0);
});

test("a short delay is one ordinary timer", () => {
  const callback = vi.fn();
  setLongTimeout(callback, 1_000);
  vi.advanceTimersByTime(999);
  expect(callback).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(callback).toHaveBeenCalledTimes(1);
});

test("cancel stops the chain at any link", () => {
  const callback = vi.fn();
  const timer = setLongTimeout(callback, 60 * DAY);
  vi.advanceTimersByTime(MAX_TIMER_MS + 5);
  timer.cancel();
  vi.advanceTimersByTime(100 * DAY);
  expect(callback).not.toHaveBeenCalled();
  expect(vi.getTimerCount()).toBe(0);
});

test("sleepers wake once each at their time; a cancelled one never wakes; clear returns the sleepers left", () => {
  const sleepers = new Sleepers<string>();
  const woken: string[] = [];
  for (const [item, delay] of [
    ["a", 10],
    ["b", 20],
    ["c", 30],
  ] as const)
    sleepers.sleep(item, delay, (one) => woken.push(one));
  expect(sleepers.cancel("b")).toBe(true);
  expect(sleepers.cancel("b")).toBe(false);
  vi.advanceTimersByTime(10);
  expect(woken).toEqual(["a"]);
  expect(sleepers.size).toBe(1);
  expect(sleepers.clear()).toEqual(["c"]);
  vi.advanceTimersByTime(100);
  expect(woken).toEqual(["a"]);
});

test("an alarm rings once at the earliest time asked for its item; clear silences every alarm", () => {
  const alarms = new Alarms<string>();
  const rung: string[] = [];
  const now = Date.now();
  alarms.set("k", now + 50, (item) => rung.push(item));
  alarms.set("k", now + 20, (item) => rung.push(`${item}-early`));
  alarms.set("k", now + 40, (item) => rung.push(`${item}-late`));
  alarms.set("j", now + 30, (item) => rung.push(item));
  vi.advanceTimersByTime(20);
  expect(rung).toEqual(["k-early"]);
  alarms.clear();
  vi.advanceTimersByTime(100);
  expect(rung).toEqual(["k-early"]);
});
