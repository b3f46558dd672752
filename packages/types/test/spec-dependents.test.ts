// After an update is written, the dependents' typecheck and tests say what failed, by
// package and file. The output below is what turbo, vitest and tsc print (colours included),
// replayed by a real child process in place of `pnpm turbo run`.
import { spawn } from "node:child_process";
import { expect, test } from "vitest";
import { formatFailure, runDependents } from "../../../scripts/spec/internal/dependents.mjs";

const ESC = "\u001b";
const OUTPUT = [
  `@qstash-flow/dev-server:test:  ${ESC}[31m❯${ESC}[39m ${ESC}[30m${ESC}[43m dev-server ${ESC}[49m${ESC}[39m test/contract.test.ts ${ESC}[2m(${ESC}[22m${ESC}[2m6 tests${ESC}[22m${ESC}[2m | ${ESC}[22m${ESC}[31m1 failed${ESC}[39m${ESC}[2m)${ESC}[22m`,
  `@qstash-flow/dev-server:test: ${ESC}[41m${ESC}[1m FAIL ${ESC}[22m${ESC}[49m ${ESC}[30m${ESC}[43m dev-server ${ESC}[49m${ESC}[39m test/contract.test.ts${ESC}[2m > ${ESC}[22mevery exchange matches the spec`,
  `@qstash-flow/fetch:test: ${ESC}[41m${ESC}[1m FAIL ${ESC}[22m${ESC}[49m ${ESC}[30m${ESC}[43m fetch ${ESC}[49m${ESC}[39m test/contract.test.ts${ESC}[2m > ${ESC}[22ma pin value below the minimum`,
  "@qstash-flow/flow-control:typecheck: src/operations.ts(123,7): error TS2339: Property 'isPaused' does not exist on type 'FlowControlKey'.",
  "@qstash-flow/cli:typecheck: src/commands/list.ts:40:3 - error TS2322: Type 'string' is not assignable to type 'number'.",
  " Tasks:    9 successful, 12 total",
].join("\n");

const replaying = (code: number) => () =>
  spawn(process.execPath, ["-e", `process.stdout.write(${JSON.stringify(OUTPUT)}); process.exit(${code})`]);

test("each failing test file and type error is named by package and file", async () => {
  const result = await runDependents({ root: process.cwd(), typesName: "@qstash-flow/types", spawnImpl: replaying(1) });
  expect(result.ok).toBe(false);
  expect(result.command).toBe(
    "pnpm turbo run typecheck test --filter=...^@qstash-flow/types --continue --output-logs=errors-only",
  );
  expect(result.failures.map(formatFailure)).toEqual([
    "@qstash-flow/dev-server: test test/contract.test.ts",
    "@qstash-flow/fetch: test test/contract.test.ts",
    "@qstash-flow/flow-control: typecheck TS2339 src/operations.ts:123",
    "@qstash-flow/cli: typecheck TS2322 src/commands/list.ts:40",
  ]);
});

test("a run that exits 0 passes, whatever it printed", async () => {
  const result = await runDependents({ root: process.cwd(), typesName: "@qstash-flow/types", spawnImpl: replaying(0) });
  expect(result.ok).toBe(true);
});
