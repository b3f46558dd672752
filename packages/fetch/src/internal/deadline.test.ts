import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { GRANULARITY_MS, GROUP_SIZE, MAX_TIMER_MS } from "./deadline.js";

// A fresh module per test: the group taking attempts is module state.
let sharedDeadline: typeof import("./deadline.js").sharedDeadline;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
  vi.resetModules();
  ({ sharedDeadline } = await import("./deadline.js"));
});
afterEach(() => {
  // Every test ends its attempts, and an attempt that ended leaves no timer behind.
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

test("attempts that start within the window share one signal; a later one gets its own", () => {
  const first = sharedDeadline(1000);
  vi.advanceTimersByTime(GRANULARITY_MS - 1);
  const second = sharedDeadline(1000);
  vi.advanceTimersByTime(1);
  const third = sharedDeadline(1000);
  expect(second.signal).toBe(first.signal);
  expect(third.signal).not.toBe(first.signal);
  for (const attempt of [first, second, third]) attempt.end();
});

test("each attempt is given at least its timeout and at most GRANULARITY_MS more", () => {
  const first = sharedDeadline(1000);
  vi.advanceTimersByTime(GRANULARITY_MS - 1);
  const last = sharedDeadline(1000);
  // The last attempt to join has had exactly its timeout at this point.
  vi.advanceTimersByTime(1000);
  expect(last.signal.aborted).toBe(false);
  vi.advanceTimersByTime(1);
  expect(first.signal.aborted).toBe(true);
  first.end();
  last.end();
});

test("a group whose attempts all ended has no timer and never aborts", () => {
  const attempt = sharedDeadline(1000);
  expect(vi.getTimerCount()).toBe(1);
  attempt.end();
  expect(vi.getTimerCount()).toBe(0);
  vi.advanceTimersByTime(5000);
  expect(attempt.signal.aborted).toBe(false);
});

test("an attempt that joins an idle group late still gets its full timeout, and no more than the window", () => {
  const first = sharedDeadline(1000);
  first.end();
  vi.advanceTimersByTime(GRANULARITY_MS - 1);
  const late = sharedDeadline(1000);
  expect(late.signal).toBe(first.signal);
  vi.advanceTimersByTime(1000);
  expect(late.signal.aborted).toBe(false);
  vi.advanceTimersByTime(1);
  expect(late.signal.aborted).toBe(true);
  late.end();
});

test("a group that aborted takes no more attempts", () => {
  const hung = sharedDeadline(5);
  vi.advanceTimersByTime(5 + GRANULARITY_MS);
  expect(hung.signal.aborted).toBe(true);
  const next = sharedDeadline(5);
  expect(next.signal.aborted).toBe(false);
  hung.end();
  next.end();
});

test("an attempt still waiting is aborted even though the others of its group ended", () => {
  const done = sharedDeadline(500);
  const hung = sharedDeadline(500);
  done.end();
  done.end(); // ending twice must not release the other attempt's hold
  expect(vi.getTimerCount()).toBe(1);
  vi.advanceTimersByTime(500 + GRANULARITY_MS);
  expect(hung.signal.aborted).toBe(true);
  hung.end();
});

test("different timeouts never share a signal", () => {
  const short = sharedDeadline(100);
  const long = sharedDeadline(5000);
  expect(long.signal).not.toBe(short.signal);
  vi.advanceTimersByTime(100 + GRANULARITY_MS);
  expect(short.signal.aborted).toBe(true);
  expect(long.signal.aborted).toBe(false);
  short.end();
  long.end();
});

test(`a group takes at most ${GROUP_SIZE} attempts; the next one opens another`, () => {
  const attempts = Array.from({ length: GROUP_SIZE + 1 }, () => sharedDeadline(1000));
  const signals = new Set(attempts.map((attempt) => attempt.signal));
  expect(signals.size).toBe(2);
  expect(attempts[GROUP_SIZE - 1]?.signal).toBe(attempts[0]?.signal);
  for (const attempt of attempts) attempt.end();
});

test("the largest timeout allowed does not overflow the timer (which would fire at once)", async () => {
  vi.useRealTimers();
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on("warning", onWarning);
  try {
    const attempt = sharedDeadline(MAX_TIMER_MS);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(attempt.signal.aborted).toBe(false);
    attempt.end();
  } finally {
    process.off("warning", onWarning);
    vi.useFakeTimers();
  }
  expect(warnings.map((warning) => warning.name)).not.toContain("TimeoutOverflowWarning");
});
