import type { FlowControlInfo } from "@qstash-flow/flow-control";
import { keyInfo } from "@qstash-flow/test-utils";
import { describe, expect, it } from "vitest";
import { diagnose, type Snapshot } from "./diagnose.js";

const info = (key: string, fields: Partial<FlowControlInfo> = {}) => keyInfo(key, { ratePeriod: 60, ...fields });

/** One snapshot per list of keys, 5 s apart. */
const samples = (...lists: FlowControlInfo[][]): Snapshot[] => lists.map((keys, i) => ({ at: i * 5000, keys }));
const checks = (snapshots: Snapshot[]) => diagnose(snapshots).map((f) => `${f.severity} ${f.check} ${f.key}`);

describe("diagnose", () => {
  const held = { parallelismMax: 2, parallelismCount: 2, waitListSize: 9, rateCount: 4 };

  it("calls a key stuck when its slots are full, messages wait and nothing moves, and says what to check", () => {
    const findings = diagnose(samples([info("s", held)], [info("s", held)], [info("s", held)]));
    expect(findings).toEqual([
      {
        key: "s",
        check: "stuck",
        severity: "error",
        message: expect.stringMatching(
          /^parallelism full \(2\/2 in flight\) and 9 waiting, nothing changed in 3 samples over 10s: .*destination answers/,
        ),
      },
    ]);
  });

  it("does not call a key stuck when anything moved, a slot was free, or one sample was all it had", () => {
    const moved = [
      { ...held, rateCount: 5 },
      { ...held, waitListSize: 8 },
      { ...held, parallelismCount: 1 },
    ];
    for (const later of moved) expect(checks(samples([info("s", held)], [info("s", later)]))).toEqual([]);
    expect(
      checks(samples([info("s", { ...held, parallelismMax: 0 })], [info("s", { ...held, parallelismMax: 0 })])),
    ).toEqual([]);
    expect(checks(samples([info("s", held)]))).toEqual([]);
    // A new rate period with nothing started is no progress; one with a start is.
    const rolled = { ...held, rateCount: 0, ratePeriodStart: 60 };
    expect(checks(samples([info("s", held)], [info("s", rolled)]))).toEqual(["error stuck s"]);
    expect(checks(samples([info("s", held)], [info("s", { ...rolled, rateCount: 1 })]))).toEqual([]);
    // A key missing from a sample has no record of "no progress".
    expect(checks(samples([], [info("s", held)], [info("s", held)]))).toEqual([]);
  });

  it("sees a waitlist that grew at every sample, and only then", () => {
    const sizes = (...list: number[]) => samples(...list.map((waitListSize) => [info("g", { waitListSize })]));
    expect(checks(sizes(1, 5, 9))).toEqual(["warning waitlist-growing g"]);
    expect(diagnose(sizes(1, 5, 9))[0]?.message).toContain("1 -> 5 -> 9");
    expect(checks(sizes(1, 5, 5))).toEqual([]);
    expect(checks(sizes(1, 9, 5))).toEqual([]);
  });

  it("reports paused keys with messages, rate-bound keys and pins, from the latest state", () => {
    const findings = diagnose(
      samples(
        [info("p", { isPaused: true, waitListSize: 3 }), info("r", { rateMax: 10, rateCount: 10 })],
        [
          info("p", { isPaused: true, waitListSize: 3 }),
          info("r", { rateMax: 10, rateCount: 2 }),
          info("q", { isPaused: true }),
          info("n", { isPinnedRate: true, rateMax: 5, ratePeriod: 3600 }),
        ],
      ),
    );
    expect(findings.map((f) => `${f.severity} ${f.check} ${f.key}`)).toEqual([
      "warning paused-with-waitlist p",
      "info rate-bound r",
      "info pinned n",
    ]);
    expect(findings[0]?.message).toContain('`qstash-flow resume "p"`');
    expect(findings[1]?.message).toContain("reached in 1 of 2 samples");
    expect(findings[2]?.message).toMatch(/^rate pinned at 5 per 1h: .*`qstash-flow unpin "n" --rate`/);
  });

  it("orders findings worst first, then by check and key", () => {
    const pinned = { isPinnedParallelism: true, parallelismMax: 1 };
    const found = checks(
      samples(
        [info("b", pinned), info("a", pinned), info("z", { isPaused: true, waitListSize: 1 }), info("s", held)],
        [info("b", pinned), info("a", pinned), info("z", { isPaused: true, waitListSize: 2 }), info("s", held)],
      ),
    );
    expect(found).toEqual([
      "error stuck s",
      "warning paused-with-waitlist z",
      "warning waitlist-growing z",
      "info pinned a",
      "info pinned b",
    ]);
  });
});
