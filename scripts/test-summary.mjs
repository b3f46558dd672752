#!/usr/bin/env node
// Sums the per-package vitest counts in a `pnpm test` log into one closing line,
// "N passed, N failed", so a CI reader need not add up the packages by hand.
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node scripts/test-summary.mjs <log file>");
  process.exit(2);
}
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const totals = { passed: 0, failed: 0, skipped: 0 };
let packages = 0;
for (const line of readFileSync(file, "utf8").replace(ansi, "").split("\n")) {
  const match = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!match) continue;
  packages++;
  for (const [, count, kind] of match[1].matchAll(/(\d+) (passed|failed|skipped)/g)) {
    totals[kind] += Number(count);
  }
}
if (packages === 0) {
  console.error("test-summary: no vitest result lines found");
  process.exit(1);
}
console.log(`\ntests (${packages} packages):`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
