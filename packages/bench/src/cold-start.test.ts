import { describe, expect, test } from "vitest";
import { COLD_SCRIPTS, timeProcess } from "./cold-start.mjs";

describe("the cold-start benchmark", () => {
  test.each(COLD_SCRIPTS.map((s) => [s.id, s.script] as const))("the %s script runs", (_, script) => {
    const { wall, cpu } = timeProcess(script);
    expect(Number.isFinite(wall) && wall > 0).toBe(true);
    expect(Number.isFinite(cpu) && cpu > 0).toBe(true);
  });
});
