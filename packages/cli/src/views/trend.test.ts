import { describe, expect, it } from "vitest";
import { drainText, perSecondText, sparkline } from "./trend.js";

describe("trends as text", () => {
  it("draws a sparkline scaled from zero, so a steady waitlist reads as its size", () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe("▁▂▃▅█");
    expect(sparkline([5, 5, 5])).toBe("███");
    expect(sparkline([0, 0])).toBe("▁▁");
    expect(sparkline([])).toBe("");
  });

  it("shows a rate with one decimal below 10 per second, '-' before there is one", () => {
    expect(perSecondText(3)).toBe("3.0/s");
    expect(perSecondText(250)).toBe("250/s");
    expect(perSecondText(undefined)).toBe("-");
  });

  it("shows a time to drain in one rounded unit, '-' when it does not drain", () => {
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
