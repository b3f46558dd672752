import type { FlowControlInfo } from "@qstash-flow/flow-control";
import { describe, expect, it } from "vitest";
import { keyInfo } from "@qstash-flow/test-utils";
import { keyDetails, keysTable, printable, table } from "./format.js";

const info = (fields: Partial<FlowControlInfo>) => keyInfo("k", fields);

describe("format", () => {
  it("shows control characters from the server as escapes, never raw", () => {
    expect(printable("a\u001b[2Jb\u0007\u009b")).toBe("a\\u001b[2Jb\\u0007\\u009b");
    expect(keysTable([info({ flowControlKey: "evil\u001b[31m" })])).not.toContain("\u001b");
  });

  it("escapes format, bidi, separator and non-ASCII space characters, and lone surrogates", () => {
    expect(printable("a\u202Eb\u2066c\u200Bd\u2028e\u2029f\u00ADg\uFEFFh")).toBe(
      "a\\u202eb\\u2066c\\u200bd\\u2028e\\u2029f\\u00adg\\ufeffh",
    );
    expect(printable("x\u3000y\u00A0z w")).toBe("x\\u3000y\\u00a0z w");
    expect(printable("\u{E0001}\uD800")).toBe("\\u{e0001}\\ud800");
    // Visible text stays as it is, emoji and other scripts included.
    expect(printable("日本 😀 عربي é")).toBe("日本 😀 عربي é");
  });

  it("clips the widest cells to a width, by terminal columns, never below the header", () => {
    const rows = table(
      ["KEY", "N"],
      [
        ["日本語のとても長いキー", "1"],
        ["short", "22"],
      ],
      16,
    ).split("\n");
    expect(rows).toEqual(["KEY           N", "日本語のと…   1", "short         22", ""]);
    // Too narrow for the headers: the headers stay whole.
    expect(table(["KEY", "STATE"], [["abcdef", "active"]], 4)).toBe("KEY  STATE\nab…  acti…\n");
  });

  it("aligns columns to the widest cell and does not pad the last one", () => {
    expect(table(["A", "BB"], [["xxx", "y"]])).toBe("A    BB\nxxx  y\n");
  });

  it("lists keys with state, waitlist, running/max and started/max per period, pins marked", () => {
    const rows = keysTable([
      info({ flowControlKey: "orders", isPaused: true, waitListSize: 12, parallelismMax: 5, parallelismCount: 2 }),
      info({ flowControlKey: "emails", rateMax: 10, rateCount: 3, ratePeriod: 60, isPinnedRate: true }),
    ]).split("\n");
    expect(rows[0]).toMatch(/^KEY\s+STATE\s+WAITLIST\s+PARALLELISM\s+RATE$/);
    expect(rows[1]).toMatch(/^orders\s+paused\s+12\s+2\/5\s+0\/-$/);
    expect(rows[2]).toMatch(/^emails\s+active\s+0\s+0\/-\s+3\/10 per 1m pinned$/);
    expect(keysTable([])).toBe("No flow-control keys.\n");
  });

  it("shows a period start no date can hold as the number it came as", () => {
    expect(keyDetails(info({ ratePeriodStart: 1e13 }))).toMatch(/^period start {2}10000000000000$/m);
  });

  it("shows the period start only when there is one", () => {
    expect(keyDetails(info({}))).not.toContain("period start");
    expect(keyDetails(info({ ratePeriodStart: 1_700_000_000 }))).toMatch(
      /^period start {2}2023-11-14T22:13:20\.000Z$/m,
    );
  });
});
