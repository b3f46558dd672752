import { expect } from "vitest";
import { run } from "../src/run.ts";

// Keys that only survive if the published client encodes them as one path segment.
export const smokeKey = (label: string) => `e2e ${label}/ü?#%`;

export interface SmokeResult {
  runtime: string;
  entry: string;
  key: string;
  paused: boolean;
  resumed: boolean;
  missing: { notFound: boolean; status: number };
  invalid: boolean;
}

/** Runs a smoke script (fixtures/consumer/smoke.*) and returns the JSON line it printed. */
export async function runSmoke(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv) {
  const result = await run(command, args, { cwd, timeout: 300_000, ...(env ? { env } : {}) });
  expect(result.code, `${result.command}\n${result.stdout}\n${result.stderr}`).toBe(0);
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as SmokeResult;
}

export function expectSmoke(result: SmokeResult, key: string, runtime: string, module: "esm" | "cjs") {
  expect(result).toEqual({
    runtime,
    entry: module === "esm" ? "index.js" : "index.cjs",
    key,
    paused: true,
    resumed: false,
    missing: { notFound: true, status: 404 },
    invalid: true,
  });
}
