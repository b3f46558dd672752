import { describe, expect, it } from "vitest";
import { Screen } from "./screen.js";

describe("Screen", () => {
  it("hides the cursor, then moves back over the last frame and clears it before each redraw", () => {
    const chunks: string[] = [];
    const screen = new Screen({ write: (text: string) => chunks.push(text), isTTY: true, columns: 40 });
    screen.draw(["one", "two"]);
    screen.draw(["three"]);
    screen.close();
    expect(chunks.join("")).toBe("\u001b[?25l\u001b[Jone\ntwo\n\u001b[2A\r\u001b[Jthree\n\u001b[?25h");
  });

  it("cuts lines to the terminal's width so that none wraps and throws the count off", () => {
    const chunks: string[] = [];
    const screen = new Screen({ write: (text: string) => chunks.push(text), columns: 12 });
    screen.draw(["0123456789abcdef"]);
    expect(chunks.at(-1)).toBe("\u001b[J0123456789…\n");
  });
});
