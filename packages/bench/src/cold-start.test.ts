import { describe, expect, test } from "vitest";
import { COLD_SCRIPTS, timeProcess } from "./cold-start.mjs";

describe("the cold-start benchmark", () => {
  test.each(COLD_SCRIPTS.map((s) => [s.id, s.script] as const))("the %s script runs", (_, script) => {
    expect(() => timeProcess(script)).not.toThrow();
  });
});
