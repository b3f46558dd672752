import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const script = fileURLToPath(new URL("../../../scripts/test-summary.mjs", import.meta.url));

function summarize(log: string) {
  const dir = mkdtempSync(join(tmpdir(), "qstash-flow-summary-"));
  try {
    writeFileSync(join(dir, "log"), log);
    return spawnSync(process.execPath, [script, join(dir, "log")], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("CI's closing line sums every package's vitest counts, colours and all", () => {
  const esc = String.fromCharCode(27);
  const result = summarize(
    [
      `@qstash-flow/fetch:test: ${esc}[2m      Tests ${esc}[22m ${esc}[1m${esc}[32m200 passed${esc}[39m${esc}[22m${esc}[90m (200)${esc}[39m`,
      "@qstash-flow/cli:test:       Tests  2 failed | 69 passed | 1 skipped (72)",
      "@qstash-flow/cli:test:  Test Files  1 failed | 8 passed (9)",
    ].join("\n"),
  );
  expect(result.status).toBe(0);
  expect(result.stdout.trim().split("\n").at(-1)).toBe("269 passed, 2 failed, 1 skipped");
});

test("a log with no test results is an error, not a silent zero", () => {
  const result = summarize("nothing ran\n");
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("no vitest result lines");
});
