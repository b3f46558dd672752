import type { FlowControlInfo } from "@qstash-flow/flow-control";
import { keyInfo } from "@qstash-flow/test-utils";
import { describe, expect, it } from "vitest";
import { TREND_LENGTH, Trend } from "./trends.js";

const info = (fields: Partial<FlowControlInfo>) => keyInfo("k", { ratePeriod: 60, ratePeriodStart: 1000, ...fields });

/** A trend fed one refresh per second. */
function trend(...points: Partial<FlowControlInfo>[]): Trend {
  const t = new Trend();
  points.forEach((fields, i) => {
    t.add(new Date(i * 1000), info(fields));
  });
  return t;
}

describe("trends", () => {
  it("keeps the last refreshes only, oldest first", () => {
    const t = new Trend();
    for (let i = 0; i < TREND_LENGTH + 5; i++) t.add(new Date(i * 1000), info({ waitListSize: i }));
    expect(t.waitlist).toHaveLength(TREND_LENGTH);
    expect(t.waitlist[0]).toBe(5);
    expect(t.waitlist.at(-1)).toBe(TREND_LENGTH + 4);
  });

  it("counts deliveries started from the rate count, across a new period too", () => {
    // 2 then 3 in one period; then a new period with 4 started in it.
    const t = trend({ rateCount: 1 }, { rateCount: 3 }, { rateCount: 6 }, { rateCount: 4, ratePeriodStart: 1060 });
    expect(t.deliveryRate).toBe((2 + 3 + 4) / 3);
    expect(trend({ rateCount: 1 }).deliveryRate).toBeUndefined();
  });

  it("estimates the time to drain from how fast the waitlist shrank, and undefined when it does not", () => {
    expect(trend({ waitListSize: 100 }, { waitListSize: 90 }, { waitListSize: 80 }).drainSeconds).toBe(8);
    expect(trend({ waitListSize: 80 }, { waitListSize: 90 }).drainSeconds).toBeUndefined();
    expect(trend({ waitListSize: 80 }, { waitListSize: 80 }).drainSeconds).toBeUndefined();
    expect(trend({ waitListSize: 5 }, { waitListSize: 0 }).drainSeconds).toBe(0);
  });
});
