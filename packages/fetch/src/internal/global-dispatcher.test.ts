import { Agent, MockAgent } from "undici";
import { afterEach, expect, test } from "vitest";
import { appDispatcherSet } from "./global-dispatcher.js";

const SLOTS = [Symbol.for("undici.globalDispatcher.1"), Symbol.for("undici.globalDispatcher.2")] as const;
const slots = globalThis as Record<symbol, unknown>;
// Importing undici put its default Agent in both slots; each test changes one and puts it back.
const saved = SLOTS.map((slot) => slots[slot]);
afterEach(() => {
  for (const [i, slot] of SLOTS.entries()) slots[slot] = saved[i];
});

test("undici's own default Agent, in both slots, is no dispatcher of the app's", () => {
  expect(saved.every((dispatcher) => dispatcher instanceof Agent)).toBe(true);
  expect(appDispatcherSet()).toBe(false);
});

test.each(SLOTS)("a MockAgent in %s is the app's (undici 8 uses the second slot only)", (slot) => {
  slots[slot] = new MockAgent();
  expect(appDispatcherSet()).toBe(true);
});

test("an Agent given any option, or whose dispatch was replaced, is the app's", () => {
  slots[SLOTS[0]] = new Agent({ keepAliveTimeout: 1000 });
  expect(appDispatcherSet()).toBe(true);
  const patched = new Agent();
  patched.dispatch = () => true;
  slots[SLOTS[0]] = patched;
  expect(appDispatcherSet()).toBe(true);
  slots[SLOTS[0]] = new Agent();
  expect(appDispatcherSet()).toBe(false);
});

test("a dispatcher of a shape of its own is the app's", () => {
  slots[SLOTS[1]] = { dispatch() {} };
  expect(appDispatcherSet()).toBe(true);
});
