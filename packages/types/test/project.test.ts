// The project's own specs: the committed types are what generation writes (the drift
// check as a test), and upstream's whole documents update them without breaking the
// client or the wrapper, from the command line in any directory.
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, expect, test } from "vitest";
import { stringify } from "yaml";
import { GENERATED_DIR, render, staleFiles } from "../../../scripts/spec/generate.mjs";
import { defaults, specUpdate } from "../../../scripts/spec/update.mjs";
import { page, qstashSpec, workflowSpec } from "./fixtures/upstream.mjs";

const ROOT = join(import.meta.dirname, "../../..");
const temps: string[] = [];
afterEach(async () => Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));

async function sources() {
  const dir = await mkdtemp(join(tmpdir(), "qstash-flow-project-test-"));
  temps.push(dir);
  await writeFile(join(dir, "qstash.yaml"), stringify(qstashSpec()));
  await writeFile(join(dir, "workflow.md"), page("Workflow", stringify(workflowSpec())));
  return dir;
}

test("the committed types are what generation writes", async () => {
  expect(await staleFiles(await render(), GENERATED_DIR)).toEqual({ stale: [], removed: [] });
});

test("the drift check works from another directory", async () => {
  const dir = await sources();
  const script = join(ROOT, "scripts/spec/generate.mjs");
  const { stdout } = await promisify(execFile)(process.execPath, [script, "--check"], { cwd: dir });
  expect(stdout).toBe("Generated types are up to date.\n");
});

test("whole documents replace the excerpts; the client and the wrapper still compile", async () => {
  const dir = await sources();
  await cp(defaults.openapiDir, join(dir, "openapi"), { recursive: true });
  await cp(GENERATED_DIR, join(dir, "generated"), { recursive: true });
  const result = await specUpdate({
    openapiDir: join(dir, "openapi"),
    outDir: join(dir, "generated"),
    changesetDir: dir,
    sources: { "qstash.yaml": join(dir, "qstash.yaml"), "workflow.yaml": join(dir, "workflow.md") },
  });
  // 40 + 29 operations, 8 + 8 of them selected
  expect(result.outside).toBe(53);
  // QStash's operations win: its inline globalParallelism schema and inline path parameter
  // leave two named components unused, which the types no longer export
  expect(result.report.components).toEqual([
    { level: "major", message: "`parameters/FlowControlKeyPath` removed" },
    { level: "major", message: "`schemas/GlobalParallelism` removed" },
  ]);
  expect(result.report.bump).toBe("major");
  expect(result.verified).toBe(true);
  expect(result.breakages).toEqual([]);
});

test("the command works from another directory, with paths relative to it, and writes nothing in a dry run", async () => {
  const dir = await sources();
  const script = join(ROOT, "scripts/spec/update.mjs");
  const args = [
    script,
    "--dry-run",
    "--no-verify",
    "--source",
    "qstash.yaml=qstash.yaml",
    "--source",
    "workflow.yaml=workflow.md",
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, INIT_CWD: "" },
  });
  expect(stdout).toContain("53 operations outside the selection changed");
  expect(stdout).toContain("Would write:");
  expect(await staleFiles(await render(), GENERATED_DIR)).toEqual({ stale: [], removed: [] });

  const failed = promisify(execFile)(process.execPath, [script, "--source", "qstash.yaml=missing.yaml"], {
    cwd: dir,
    env: { ...process.env, INIT_CWD: "" },
  });
  await expect(failed).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining(
      `spec:update failed, nothing was written.\nSPEC_SOURCE: Cannot read ${join(dir, "missing.yaml")}`,
    ),
  });
});
