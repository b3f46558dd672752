import type { FlowControlInfo } from "@qstash-flow/flow-control";
import { describe, expect, it } from "vitest";
import { keyInfo } from "@qstash-flow/test-utils";
import type { Trend } from "@qstash-flow/ops";
import { byWaitlist, prefixFrame } from "./watch.js";

const info = (key: string, waitListSize: number) => keyInfo(key, { waitListSize, parallelismMax: 1, ratePeriod: 1 });

const view = (keys: FlowControlInfo[], height: number, problem?: string) => ({
  prefix: "k",
  interval: 500,
  at: new Date(0),
  keys: [...keys].sort(byWaitlist),
  trends: new Map<string, Trend>(),
  problem,
  height,
});

describe("prefixFrame", () => {
  const keys = Array.from({ length: 10 }, (_, i) => info(`k${i}`, i * 3));

  it("fits the terminal: as many keys as there is room for, then how many more there are", () => {
    const lines = prefixFrame(view(keys, 9));
    expect(lines).toHaveLength(9);
    expect(lines.slice(3, 8).map((line) => line.split(/\s+/)[0])).toEqual(["k9", "k8", "k7", "k6", "k5"]);
    expect(lines[8]).toMatch(/^\.\.\. 5 more \(sorted by waitlist/);
    expect(prefixFrame(view(keys, 40))).toHaveLength(3 + keys.length);
  });

  it("keeps the last table under the problem while the API cannot be read", () => {
    const lines = prefixFrame(view(keys.slice(0, 2), 20, "QStash list failed: 503"));
    expect(lines[1]).toBe("problem: QStash list failed: 503");
    expect(lines).toHaveLength(5);
  });

  it("orders equal waitlists by key, so rows do not jump between refreshes", () => {
    expect([info("b", 1), info("a", 1), info("c", 2)].sort(byWaitlist).map((k) => k.flowControlKey)).toEqual([
      "c",
      "a",
      "b",
    ]);
  });
});
