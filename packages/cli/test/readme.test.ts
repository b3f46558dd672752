import { typecheckReadme } from "@qstash-flow/test-utils";
import { expect, test } from "vitest";

test("every TypeScript example in the README compiles against the built package", async () => {
  const { blocks, diagnostics } = await typecheckReadme(new URL("..", import.meta.url).pathname);
  expect(blocks).toBeGreaterThanOrEqual(1);
  expect(diagnostics).toEqual([]);
});
