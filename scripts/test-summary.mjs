#!/usr/bin/env node
// Sums the per-package vitest counts in a `pnpm test` log into one closing line,
// "N passed, N failed", so a CI reader need not add up the packages by hand.
// A test file that fails before any test runs (an import error, say) shows only in
// vitest's "Test Files" line, and unhandled errors only in its "Errors" line: both
// count as failures too. Exits 1 when anything failed.
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node scripts/test-summary.mjs <log file>");
  process.exit(2);
}
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const totals = { passed: 0, failed: 0, skipped: 0 };
const broken = { files: 0, errors: 0, typeErrors: 0 };
let packages = 0;
for (const line of readFileSync(file, "utf8").replace(ansi, "").split("\n")) {
  // "Tests  2 failed | 69 passed (71)", or "Tests  no tests" when every file failed to load
  const tests = /\bTests\s+(?:(.*)\(\d+\)|no tests)\s*$/.exec(line);
  if (tests) {
    packages++;
    for (const [, count, kind] of (tests[1] ?? "").matchAll(/(\d+) (passed|failed|skipped)/g)) {
      totals[kind] += Number(count);
    }
    continue;
  }
  const files = /\bTest Files\s+(.*)\(\d+\)\s*$/.exec(line);
  if (files) {
    broken.files += Number(/(\d+) failed/.exec(files[1])?.[1] ?? 0);
    continue;
  }
  const typeErrors = /\bType Errors\s+(\d+) failed\s*$/.exec(line);
  if (typeErrors) {
    broken.typeErrors += Number(typeErrors[1]);
    continue;
  }
  const errors = /\bErrors\s+(\d+) errors?\s*$/.exec(line);
  if (errors) broken.errors += Number(errors[1]);
}
if (packages === 0) {
  console.error("test-summary: no vitest result lines found");
  process.exit(1);
}
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const extra = [
  broken.files ? `${plural(broken.files, "test file")} failed` : "",
  broken.typeErrors ? `${plural(broken.typeErrors, "type error")}` : "",
  broken.errors ? `${plural(broken.errors, "error")}` : "",
].filter(Boolean);
console.log(`\ntests (${packages} packages):`);
console.log(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}` +
    (extra.length ? `; ${extra.join(", ")}` : ""),
);
if (totals.failed || broken.files || broken.typeErrors || broken.errors) process.exit(1);
