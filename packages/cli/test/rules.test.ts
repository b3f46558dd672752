import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { promtool, requirePrometheus, SKIP_PROMETHEUS } from "@qstash-flow/test-utils/prometheus";

// The rules file is not a module: it is found beside the package.json of @qstash-flow/ops.
const RULES = fileURLToPath(
  new URL("prometheus/flow-control.rules.yml", import.meta.resolve("@qstash-flow/ops/package.json")),
);
const README = new URL("../README.md", import.meta.url);

// The rules ship with @qstash-flow/ops (whose tests run promtool on them); the README says how to load them.
describe.skipIf(SKIP_PROMETHEUS)("the Prometheus rules, as the README loads them", () => {
  beforeAll(requirePrometheus);

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
