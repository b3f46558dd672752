import { fileURLToPath } from "node:url";
import { typecheckReadme } from "@qstash-flow/test-utils";
import { expect, test } from "vitest";

// The root README's examples import every published package; this package depends on
// all of them, so they are checked from here.
test("every TypeScript example in the root README compiles against the built packages", async () => {
  const packageDir = fileURLToPath(new URL("..", import.meta.url));
  const readme = fileURLToPath(new URL("../../../README.md", import.meta.url));
  const { blocks, diagnostics } = await typecheckReadme(packageDir, readme);
  expect(blocks).toBeGreaterThanOrEqual(4);
  expect(diagnostics).toEqual([]);
});
