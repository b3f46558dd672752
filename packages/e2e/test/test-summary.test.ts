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
  expect(result.stdout.trim().split("\n").at(-1)).toBe("269 passed, 2 failed, 1 skipped; 1 test file failed");
  expect(result.status).toBe(1);
});

test("a clean log passes", () => {
  const result = summarize(
    [
      "@qstash-flow/fetch:test:  Test Files  9 passed (9)",
      "@qstash-flow/fetch:test:       Tests  200 passed (200)",
      "@qstash-flow/fetch:test: Type Errors  no errors",
    ].join("\n"),
  );
  expect(result.stdout.trim().split("\n").at(-1)).toBe("200 passed, 0 failed");
  expect(result.status).toBe(0);
});

test("a test file that fails to import is a failure, though no test failed", () => {
  const esc = String.fromCharCode(27);
  // vitest's own output for one file that cannot import a module and one that passes
  const result = summarize(
    [
      `${esc}[2m Test Files ${esc}[22m ${esc}[1m${esc}[31m1 failed${esc}[39m${esc}[22m${esc}[2m | ${esc}[22m${esc}[1m${esc}[32m1 passed${esc}[39m${esc}[22m${esc}[90m (2)${esc}[39m`,
      `${esc}[2m      Tests ${esc}[22m ${esc}[1m${esc}[32m1 passed${esc}[39m${esc}[22m${esc}[90m (1)${esc}[39m`,
    ].join("\n"),
  );
  expect(result.stdout.trim().split("\n").at(-1)).toBe("1 passed, 0 failed; 1 test file failed");
  expect(result.status).toBe(1);
});

test('a package whose every file failed to load ("no tests") and unhandled errors count', () => {
  const result = summarize(
    [
      "@qstash-flow/cli:test:  Test Files  1 failed (1)",
      "@qstash-flow/cli:test:       Tests  no tests",
      "@qstash-flow/fetch:test:  Test Files  3 passed (3)",
      "@qstash-flow/fetch:test:       Tests  12 passed (12)",
      "@qstash-flow/fetch:test: Type Errors  1 failed",
      "@qstash-flow/fetch:test:      Errors  2 errors",
    ].join("\n"),
  );
  expect(result.stdout).toContain("tests (2 packages):");
  expect(result.stdout.trim().split("\n").at(-1)).toBe(
    "12 passed, 0 failed; 1 test file failed, 1 type error, 2 errors",
  );
  expect(result.status).toBe(1);
});

test("a log with no test results is an error, not a silent zero", () => {
  const result = summarize("nothing ran\n");
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("no vitest result lines");
});
