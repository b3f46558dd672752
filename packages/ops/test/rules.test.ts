import { fileURLToPath } from "node:url";
import { promtool, requirePrometheus, SKIP_PROMETHEUS } from "@qstash-flow/test-utils/prometheus";
import { beforeAll, describe, expect, it } from "vitest";

const RULES = fileURLToPath(new URL("../prometheus/flow-control.rules.yml", import.meta.url));
// Firing and not firing for each alert, with the texts each one sends.
const RULE_TESTS = fileURLToPath(new URL("../prometheus/flow-control.rules.test.yml", import.meta.url));

describe.skipIf(SKIP_PROMETHEUS)("the shipped Prometheus rules, by promtool", () => {
  beforeAll(requirePrometheus);

  it("pass `promtool check rules`", async () => {
    const result = await promtool(["check", "rules", RULES]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("SUCCESS: 7 rules found");
    expect(result.code).toBe(0);
  });

  it("pass their unit tests, `promtool test rules`", async () => {
    const result = await promtool(["test", "rules", RULE_TESTS]);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});
