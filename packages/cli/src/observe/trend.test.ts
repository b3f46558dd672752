import type { FlowControlInfo } from "@qstash-flow/flow-control";
import { describe, expect, it } from "vitest";
import { info as keyInfo } from "../../test/support/info.js";
import { drainText, perSecondText, sparkline, TREND_LENGTH, Trend } from "./trend.js";

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
  it("draws a sparkline scaled from zero, so a steady waitlist reads as its size", () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe("▁▂▃▅█");
    expect(sparkline([5, 5, 5])).toBe("███");
    expect(sparkline([0, 0])).toBe("▁▁");
    expect(sparkline([])).toBe("");
  });

  it("keeps the last refreshes only", () => {
    const t = new Trend();
    for (let i = 0; i < TREND_LENGTH + 5; i++) t.add(new Date(i * 1000), info({ waitListSize: i }));
    expect(t.sparkline).toHaveLength(TREND_LENGTH);
  });

  it("counts deliveries started from the rate count, across a new period too", () => {
    // 2 then 3 in one period; then a new period with 4 started in it.
    const t = trend({ rateCount: 1 }, { rateCount: 3 }, { rateCount: 6 }, { rateCount: 4, ratePeriodStart: 1060 });
    expect(t.deliveryRate).toBe((2 + 3 + 4) / 3);
    expect(trend({ rateCount: 1 }).deliveryRate).toBeUndefined();
    expect(perSecondText(3)).toBe("3.0/s");
    expect(perSecondText(250)).toBe("250/s");
    expect(perSecondText(undefined)).toBe("-");
  });

  it("estimates the time to drain from how fast the waitlist shrank, and says '-' when it does not", () => {
    expect(trend({ waitListSize: 100 }, { waitListSize: 90 }, { waitListSize: 80 }).drainSeconds).toBe(8);
    expect(trend({ waitListSize: 80 }, { waitListSize: 90 }).drainSeconds).toBeUndefined();
    expect(trend({ waitListSize: 80 }, { waitListSize: 80 }).drainSeconds).toBeUndefined();
    expect(trend({ waitListSize: 5 }, { waitListSize: 0 }).drainSeconds).toBe(0);
    expect([undefined, 0, 8, 89.6, 600, 7200, 86_400 * 3].map(drainText)).toEqual([
      "-",
      "0s",
      "~8s",
      "~90s",
      "~10m",
      "~2h",
      "~3d",
    ]);
  });
});
