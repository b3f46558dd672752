import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { typecheckReadme } from "@qstash-flow/test-utils";
import { expect, test } from "vitest";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

test("every TypeScript example in the README compiles against the built package, and nothing is written", async () => {
  const before = await readdir(PACKAGE_DIR);
  const { blocks, diagnostics } = await typecheckReadme(PACKAGE_DIR);
  expect(blocks).toBeGreaterThanOrEqual(3);
  expect(diagnostics).toEqual([]);
  // The examples are checked in memory: the package folder holds what it held.
  expect(await readdir(PACKAGE_DIR)).toEqual(before);
});
