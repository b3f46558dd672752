import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterEach, describe, expect, test } from "vitest";
import { parseCli } from "../scripts/spec-update.mjs";
import { pages, removeWorkspaces, type Workspace, workspace } from "./spec-update-fixture.ts";

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await removeWorkspaces();
});

/** Serves the workspace's pages under /docs/<name>; /slow/<name> never answers. */
async function docsServer(ws: Workspace) {
  const server = await startLoopbackServer(async (request, response) => {
    const match = /^\/docs\/([\w.-]+)$/.exec(request.rawUrl);
    if (request.rawUrl.startsWith("/slow/")) return; // keeps the connection open, sends nothing
    const body = match ? await readFile(ws.page(match[1] as string), "utf8").catch(() => null) : null;
    response.statusCode = body === null ? 404 : 200;
    response.setHeader("content-type", "text/markdown; charset=utf-8");
    response.end(body ?? "not found");
  });
  servers.push(server);
  return (path: string) => new URL(path, server.url).href;
}

describe("URL sources", () => {
  test("pages fetched from an HTTP server update the specs like local files", async () => {
    const ws = await workspace();
    const url = await docsServer(ws);
    const result = await ws.run({
      "qstash.yaml": [url("/docs/pause.md")],
      "workflow.yaml": [url("/docs/resume.md"), url("/docs/unpin.md"), url("/docs/pin.md")],
    });
    expect(result.report.operations.added.map((o) => o.id)).toEqual(["POST /v2/flowControl/{flowControlKey}/pin"]);
    expect(await readFile(join(ws.openapiDir, "workflow.yaml"), "utf8")).toContain(
      "/v2/flowControl/{flowControlKey}/pin:",
    );
    expect(servers[0]?.requests.map((r) => `${r.method} ${r.rawUrl}`).sort()).toEqual([
      "GET /docs/pause.md",
      "GET /docs/pin.md",
      "GET /docs/resume.md",
      "GET /docs/unpin.md",
    ]);
  });

  test("one failing URL fails the update and nothing is written", async () => {
    const ws = await workspace();
    const url = await docsServer(ws);
    const before = await ws.snapshot();
    const error = await ws
      .run({
        "qstash.yaml": [url("/docs/pause-doc.md")],
        "workflow.yaml": [url("/docs/resume.md"), url("/docs/gone.md")],
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(`GET ${url("/docs/gone.md")} answered 404 Not Found`);
    expect(await ws.snapshot()).toEqual(before);
  });

  test("a server that never answers hits the timeout and nothing is written", async () => {
    const ws = await workspace();
    const url = await docsServer(ws);
    const before = await ws.snapshot();
    const error = await ws
      .run(pages({ "qstash.yaml": [url("/slow/pause.md")] }), { timeout: 200 })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(`GET ${url("/slow/pause.md")} timed out after 200 ms`);
    expect(await ws.snapshot()).toEqual(before);
  });
});

const run = promisify(execFile);
const script = join(import.meta.dirname, "../scripts/spec-update.mjs");

async function cli(ws: Workspace, args: string[]) {
  // as if typed in the workspace folder, not through pnpm or turbo
  const { INIT_CWD: _pnpm, TURBO_INVOCATION_DIR: _turbo, ...env } = process.env;
  const base = ["--openapi-dir", "openapi", "--out-dir", "generated", "--changeset-dir", ".changeset"];
  return run(process.execPath, [script, ...base, "--packages-dir", "packages", ...args], { cwd: ws.dir, env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("the command line", () => {
  test("--source with a relative path and --dry-run print the report and the changeset, write nothing", async () => {
    const ws = await workspace();
    const before = await ws.snapshot();
    const { code, stdout } = await cli(ws, ["--source", "workflow.yaml=pages/resume.md", "--dry-run", "--no-verify"]);
    expect(code).toBe(0);
    expect(stdout).toContain("**Operations removed**\n\n- `POST /v2/flowControl/{flowControlKey}/unpin`");
    expect(stdout).toContain("Would write:\n  openapi/workflow.yaml\n");
    expect(stdout).toMatch(
      /Changeset \.changeset\/spec-update-[0-9a-f]{8}\.md \(major: @qstash-flow\/types, @qstash-flow\/consumer\)/,
    );
    expect(stdout).toContain('---\n"@qstash-flow/types": major\n"@qstash-flow/consumer": major\n---');
    expect(stdout).toContain("Build check: skipped (--no-verify).");
    expect(await ws.snapshot()).toEqual(before);
  });

  test("a bad source exits 1 and says nothing was written", async () => {
    const ws = await workspace();
    const { code, stderr } = await cli(ws, ["--source", "qstash.yaml=pages/pause-no-yaml.md"]);
    expect(code).toBe(1);
    expect(stderr).toContain("spec:update failed, nothing was written.");
    expect(stderr).toContain("pause-no-yaml.md has no OpenAPI document");
  });

  test("flags: repeated --source builds one file from several pages; paths are relative to the caller", () => {
    const { options } = parseCli(
      ["--source", "workflow.yaml=a.md", "--source", "workflow.yaml=https://x.test/b.md"],
      "/w",
    );
    expect(options.sources).toEqual({ "workflow.yaml": ["/w/a.md", "https://x.test/b.md"] });
    expect(parseCli(["--no-verify", "--dry-run"], "/w").options).toMatchObject({ verify: false, dryRun: true });
    expect(() => parseCli(["--source", "qstash.yaml"], "/w")).toThrow(
      '--source needs <file>=<url|path>, got "qstash.yaml"',
    );
    expect(() => parseCli(["--timeout", "soon"], "/w")).toThrow("--timeout needs a positive number of milliseconds");
    expect(() => parseCli(["--sorce", "x"], "/w")).toThrow(/Unknown option '--sorce'/);
  });
});
