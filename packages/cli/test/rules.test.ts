import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { promtool, requirePrometheus, SKIP_PROMETHEUS } from "./support/prometheus-server.js";

const RULES = fileURLToPath(new URL("../prometheus/flow-control.rules.yml", import.meta.url));
// Firing and not firing for each alert, with the texts each one sends.
const RULE_TESTS = fileURLToPath(new URL("../prometheus/flow-control.rules.test.yml", import.meta.url));
const README = new URL("../README.md", import.meta.url);

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

  it("load with the README's prometheus.yml, as `promtool check config` says", async () => {
    const readme = await readFile(README, "utf8");
    const [, block = ""] = /```yaml\n(\s*# prometheus\.yml\n[\s\S]*?)\s*```/.exec(readme) ?? [];
    const config = block.replace(/^ {3}/gm, "");
    expect(config).toContain("flow-control.rules.yml");
    const dir = await mkdtemp(join(tmpdir(), "qstash-flow-readme-"));
    try {
      await writeFile(join(dir, "prometheus.yml"), config);
      await copyFile(RULES, join(dir, "flow-control.rules.yml"));
      const result = await promtool(["check", "config", join(dir, "prometheus.yml")]);
      expect(result.stdout, result.stderr).toContain("SUCCESS: 7 rules found");
      expect(result.code, result.stdout + result.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
