import { describe, expect, it } from "vitest";
import { redacting } from "./io.js";

function sink() {
  const chunks: string[] = [];
  return { chunks, output: { write: (text: string) => chunks.push(text), isTTY: true, columns: 77 } };
}

describe("redacting", () => {
  it("cuts every spelling of the secret out of what is written", () => {
    const { chunks, output } = sink();
    const secret = 's3cr3t/t0ken+"x"';
    const out = redacting(output, () => [secret]);
    out.write(`raw ${secret} url ${encodeURIComponent(secret)} json ${JSON.stringify(secret)}`);
    expect(chunks.join("")).toBe('raw [redacted] url [redacted] json "[redacted]"');
  });

  it("sees secrets added after it was made, and passes the terminal's shape through", () => {
    const { chunks, output } = sink();
    const secrets: string[] = [];
    const out = redacting(output, () => secrets);
    secrets.push("late-secret-123");
    out.write("a late-secret-123 b");
    expect(chunks).toEqual(["a [redacted] b"]);
    expect([out.isTTY, out.columns]).toEqual([true, 77]);
  });

  it("leaves output alone for a short token, which would match everywhere", () => {
    const { chunks, output } = sink();
    redacting(output, () => ["a"]).write("a banana");
    expect(chunks).toEqual(["a banana"]);
  });
});
