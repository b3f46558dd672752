import { describe, expect, it } from "vitest";
import { checkConcurrency, forEachBounded } from "./bounded.js";

/** Lets every promise that can settle now settle, and the work they start begin. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("forEachBounded", () => {
  it("starts at most `concurrency` items, the next one only when one finishes, in order", async () => {
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const done = forEachBounded([0, 1, 2, 3, 4], 2, (item) => {
      started.push(item);
      return new Promise<void>((resolve) => finish.push(resolve));
    });
    await settle();
    expect(started).toEqual([0, 1]);
    finish[1]?.();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    finish[0]?.();
    finish[2]?.();
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    finish[3]?.();
    finish[4]?.();
    await done;
  });

  it("starts nothing more once the signal is aborted, and nothing at all for no items", async () => {
    const controller = new AbortController();
    const started: number[] = [];
    await forEachBounded(
      [0, 1, 2, 3],
      1,
      async (item) => {
        started.push(item);
        if (item === 1) controller.abort();
      },
      controller.signal,
    );
    expect(started).toEqual([0, 1]);
    await forEachBounded([], 8, async () => {
      throw new Error("never called");
    });
  });

  it("takes only a positive integer as the bound, 8 by default", () => {
    expect(checkConcurrency()).toBe(8);
    expect(checkConcurrency(3)).toBe(3);
    for (const bad of [0, -1, 1.5, Number.NaN, "2"]) expect(() => checkConcurrency(bad)).toThrow(/positive integer/);
  });
});
