// The project's own specs, whatever upstream version is vendored: the committed types are
// what generation writes (the drift check as a test), every vendored file is the text its
// record in vendored.yaml names, and the command works from any directory.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, expect, test } from "vitest";
import { parse } from "yaml";
import { GENERATED_DIR, render, staleFiles } from "../../../scripts/spec/generate.mjs";
import { sha256 } from "../../../scripts/spec/internal/provenance.mjs";
import { defaults } from "../../../scripts/spec/update.mjs";

const ROOT = join(import.meta.dirname, "../../..");
const run = promisify(execFile);
const temps: string[] = [];
afterEach(async () => Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "qstash-flow-project-test-"));
  temps.push(dir);
  return dir;
}

test("the committed types are what generation writes", async () => {
  expect(await staleFiles(await render(), GENERATED_DIR)).toEqual({ stale: [], added: [], removed: [] });
});

test("the drift check works from another directory", async () => {
  const script = join(ROOT, "scripts/spec/generate.mjs");
  const { stdout } = await run(process.execPath, [script, "--check"], { cwd: await tempDir() });
  expect(stdout).toBe("Generated types are up to date.\n");
});

test("each vendored spec is the text its record names, from the repository sources.yaml names", async () => {
  const openapi = defaults.openapiDir;
  const sources = parse(await readFile(join(openapi, "sources.yaml"), "utf8"));
  const records = parse(await readFile(join(openapi, "vendored.yaml"), "utf8"));
  expect(Object.keys(records).sort()).toEqual(Object.keys(sources.files).sort());
  for (const [file, path] of Object.entries(sources.files)) {
    const record = records[file];
    expect(record).toMatchObject({ repository: `https://github.com/${sources.repository}`, path });
    expect(record.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(new Date(record.date).toISOString()).toBe(record.date.replace(/Z$/, ".000Z"));
    expect(sha256(await readFile(join(openapi, file), "utf8"))).toBe(record.sha256);
  }
});

test("an update with the vendored files as sources changes nothing, from another directory", async () => {
  const dir = await tempDir();
  await cp(defaults.openapiDir, join(dir, "openapi"), { recursive: true });
  await cp(GENERATED_DIR, join(dir, "generated"), { recursive: true });
  const script = join(ROOT, "scripts/spec/update.mjs");
  const args = [script, "--no-verify", "--no-test", "--openapi-dir", "openapi", "--out-dir", "generated"];
  const sources = ["qstash.yaml", "workflow.yaml"].flatMap((f) => ["--source", `${f}=${join(ROOT, "openapi", f)}`]);
  const { stdout } = await run(process.execPath, [...args, ...sources, "--changeset-dir", "."], {
    cwd: dir,
    env: { ...process.env, INIT_CWD: "" },
  });
  expect(stdout).toContain("No change to the selected API surface.");
  // the record now names the ad hoc source instead of the commit: the only file written
  expect(stdout).toMatch(/Wrote:\n {2}openapi\/vendored\.yaml\n\n/);
});

test("a source that cannot be read fails with exit 1 and writes nothing", async () => {
  const dir = await tempDir();
  const script = join(ROOT, "scripts/spec/update.mjs");
  const failed = run(process.execPath, [script, "--source", "qstash.yaml=missing.yaml"], {
    cwd: dir,
    env: { ...process.env, INIT_CWD: "" },
  });
  await expect(failed).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining(
      `spec:update failed, nothing was written.\nSPEC_SOURCE: Cannot read ${join(dir, "missing.yaml")}`,
    ),
  });
  expect(await staleFiles(await render(), GENERATED_DIR)).toEqual({ stale: [], added: [], removed: [] });
});
