import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { parseDiagnostics } from "./typecheck.mjs";

describe("the type-check benchmark", () => {
  test("reads tsc's extended diagnostics", () => {
    const output = "Files:   71\nTypes:    3192\nInstantiations:   10254\nMemory used:  77915K\nCheck time:  0.64s\n";
    expect(parseDiagnostics(output)).toEqual({
      Files: 71,
      Types: 3192,
      Instantiations: 10254,
      "Memory used": 77915,
      "Check time": 0.64,
    });
  });

  test("every consumer fixture compiles", () => {
    const tsc = createRequire(import.meta.url).resolve("typescript/lib/tsc.js");
    const project = fileURLToPath(new URL("../typecheck/tsconfig.json", import.meta.url));
    const result = spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
