// Where an update reads upstream from: the repository sources.yaml names (over HTTPS, or
// a local clone with --repo), or an ad hoc --source; what it records of each file in
// vendored.yaml; and --check, which only says whether upstream moved.
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { changedQStash, page, removeWorkspaces, workspace } from "./spec-workspace.ts";
import { TODAY, upstreamText } from "./upstream-history.ts";

afterEach(removeWorkspaces);

const FLOW = "/v2/flowControl/{flowControlKey}";
const UPDATE = join(import.meta.dirname, "../../../scripts/spec/update.mjs");
const run = promisify(execFile);

/** A clone-like git repository holding upstream's two files, committed on fixed dates. */
async function upstreamClone(dir: string) {
  const git = (args: string[], date = "2026-08-21T10:58:46+03:00") =>
    run("git", ["-C", dir, ...args], {
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_GLOBAL: "/dev/null" },
    });
  await mkdir(join(dir, "qstash"), { recursive: true });
  await mkdir(join(dir, "workflow"), { recursive: true });
  await writeFile(join(dir, "qstash/openapi.yaml"), upstreamText(TODAY, "qstash.yaml"));
  await writeFile(join(dir, "workflow/openapi.yaml"), upstreamText(TODAY, "workflow.yaml"));
  await git(["init", "-q", "-b", "main"]);
  const commit = async (message: string, date?: string) => {
    await git(["add", "-A"]);
    await git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message], date);
    return (await git(["rev-parse", "HEAD"])).stdout.trim();
  };
  return { commit, first: await commit("today's documents") };
}

describe("upstream's repository", () => {
  test("from a local clone: the files at HEAD, their commit and date recorded; a second run writes nothing", async () => {
    const ws = await workspace();
    const clone = join(ws.dir, "docs");
    const { commit, first } = await upstreamClone(clone);
    const doc = changedQStash((d) => {
      d.paths[`${FLOW}/pause`].post.summary = "Pause a key";
    });
    await writeFile(join(clone, "qstash/openapi.yaml"), stringify(doc));
    const second = await commit("reword pause", "2026-09-01T08:00:00+00:00");

    const result = await ws.run({}, { repo: clone });
    expect(result.report.bump).toBe("patch");
    const vendored = parse(await readFile(join(ws.options.openapiDir, "vendored.yaml"), "utf8"));
    expect(vendored["qstash.yaml"]).toMatchObject({
      repository: "https://github.com/upstash/docs",
      path: "qstash/openapi.yaml",
      commit: second,
      date: "2026-09-01T08:00:00Z",
    });
    expect(vendored["workflow.yaml"]).toMatchObject({ path: "workflow/openapi.yaml", commit: first });
    expect(await readFile(join(ws.options.openapiDir, "qstash.yaml"), "utf8")).toBe(stringify(doc));

    const before = await ws.snapshot();
    expect((await ws.run({}, { repo: clone })).files).toEqual([]);
    expect(await ws.snapshot()).toEqual(before);
    // an older ref brings the older text back, and says which commit
    await ws.run({}, { repo: clone, ref: first });
    const back = parse(await readFile(join(ws.options.openapiDir, "vendored.yaml"), "utf8"));
    expect(back["qstash.yaml"].commit).toBe(first);
  });

  test("--check writes nothing, and says whether upstream moved (exit 1) or not (exit 0)", async () => {
    const ws = await workspace();
    const clone = join(ws.dir, "docs");
    const { commit } = await upstreamClone(clone);
    const dirs = ["--openapi-dir", ws.options.openapiDir, "--out-dir", ws.options.outDir];
    const args = [UPDATE, "--check", "--repo", clone, ...dirs, "--changeset-dir", ws.options.changesetDir];
    const same = await run(process.execPath, args, { cwd: ws.dir, env: { ...process.env, INIT_CWD: "" } });
    expect(same.stdout).toContain("Up to date: the sources are what is vendored.");

    const doc = changedQStash((d) => {
      d.components.schemas.FlowControlKey.properties.burst = { type: "integer" };
    });
    await writeFile(join(clone, "qstash/openapi.yaml"), stringify(doc));
    await commit("a new field");
    const before = await ws.snapshot();
    const moved = run(process.execPath, args, { cwd: ws.dir, env: { ...process.env, INIT_CWD: "" } });
    await expect(moved).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(
        /^Upstream moved: the sources differ from what is vendored\.\n\nThe selected QStash flow-control API changed upstream \(minor\)\./,
      ),
    });
    await expect(moved).rejects.toMatchObject({ stdout: expect.stringContaining("[Added] property `burst`") });
    expect(await ws.snapshot()).toEqual(before);
  });

  test("over HTTPS: GitHub names the commit that last changed each file, and the file is read at that commit", async () => {
    const ws = await workspace();
    const asked: string[] = [];
    const sha = "a".repeat(40);
    const fetch = async (url: string | URL | Request) => {
      asked.push(String(url));
      if (String(url).startsWith("https://api.github.com/"))
        return Response.json([{ sha, commit: { committer: { date: "2026-09-01T08:00:00Z" } } }]);
      const file = String(url).endsWith("qstash/openapi.yaml") ? "qstash.yaml" : "workflow.yaml";
      return new Response(upstreamText(TODAY, file));
    };
    const result = await ws.run({}, { fetch });
    expect(asked).toEqual([
      "https://api.github.com/repos/upstash/docs/commits?sha=main&path=qstash%2Fopenapi.yaml&per_page=1",
      `https://raw.githubusercontent.com/upstash/docs/${sha}/qstash/openapi.yaml`,
      "https://api.github.com/repos/upstash/docs/commits?sha=main&path=workflow%2Fopenapi.yaml&per_page=1",
      `https://raw.githubusercontent.com/upstash/docs/${sha}/workflow/openapi.yaml`,
    ]);
    expect(result.report.bump).toBeNull();
    const vendored = parse(await readFile(join(ws.options.openapiDir, "vendored.yaml"), "utf8"));
    expect(vendored["qstash.yaml"]).toMatchObject({ commit: sha, date: "2026-09-01T08:00:00Z" });
  });

  test("a GitHub answer that is not a success names the URL and writes nothing", async () => {
    const ws = await workspace();
    const before = await ws.snapshot();
    const fetch = async () => new Response("rate limited", { status: 403, statusText: "Forbidden" });
    await expect(ws.run({}, { fetch })).rejects.toMatchObject({
      code: "SPEC_SOURCE",
      message: expect.stringMatching(
        /^GET https:\/\/api\.github\.com\/repos\/upstash\/docs\/commits\?.* answered 403 Forbidden$/,
      ),
    });
    expect(await ws.snapshot()).toEqual(before);
  });
});

describe("ad hoc sources", () => {
  test("a Markdown page through a file: URL, and only the named file is read; recorded by its name", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths[`${FLOW}/pause`].post.summary = "Pause a key";
    });
    const path = await ws.source("pause.md", page("Pause", stringify(doc)));
    const fetch = () => Promise.reject(new Error("no network in this test"));
    const result = await ws.run({ "qstash.yaml": pathToFileURL(path).href }, { fetch });
    expect(result.report.bump).toBe("patch");
    const vendored = parse(await readFile(join(ws.options.openapiDir, "vendored.yaml"), "utf8"));
    expect(vendored["qstash.yaml"]).toEqual({ source: "pause.md", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(vendored["workflow.yaml"]).toBeUndefined();
  });

  test("an https URL", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths[`${FLOW}/pause`].post.summary = "Pause a key";
    });
    const asked: string[] = [];
    const fetch = async (url: string | URL | Request) => {
      asked.push(String(url));
      return new Response(JSON.stringify(doc), { status: 200 });
    };
    const result = await ws.run({ "qstash.yaml": "https://docs.invalid/qstash/openapi.json" }, { fetch });
    expect(asked).toEqual(["https://docs.invalid/qstash/openapi.json"]);
    expect(result.report.bump).toBe("patch");
  });
});
