// `pnpm check:packages` passes only if its tools can fail: a deliberately broken package
// (one ESM declaration file for both builds, a `main` that is not there) must fail both.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkPackage } from "../scripts/package-checks.mjs";

const broken = fileURLToPath(new URL("fixtures/masquerading", import.meta.url));

describe("the package checks", () => {
  it("fail a package whose CommonJS build gets ESM types, and whose main is missing", () => {
    const [publint, attw] = checkPackage(broken);
    expect(publint?.ok).toBe(false);
    expect(publint?.output).toMatch(/missing\.cjs/);
    expect(attw?.ok).toBe(false);
    expect(attw?.output).toMatch(/Masquerading as ESM/);
  });
});
