// Failures of generation and of `pnpm spec:update`: each names the file, the line and,
// inside the selection, the operation and the way out; nothing is written.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { render } from "../../../scripts/spec/generate.mjs";
import { writeAll } from "../../../scripts/spec/internal/write.mjs";
import { changedQStash, qstashSpec, removeWorkspaces, workflowSpec, workspace } from "./spec-workspace.ts";
import { TODAY, upstreamText } from "./upstream-history.ts";

afterEach(removeWorkspaces);

const NO_EXCLUDE = "specs: [qstash.yaml, workflow.yaml]\nselect:\n  tags: [Flow Control]\n";

describe("failures name the file and write nothing", () => {
  const fails = async (source: string | object, expected: object, name = "qstash.yaml") => {
    const ws = await workspace();
    const before = await ws.snapshot();
    const path = await ws.source(name, source);
    await expect(ws.run({ [name]: path })).rejects.toMatchObject(expected);
    expect(await ws.snapshot()).toEqual({ ...before, [`sources/${name}`]: expect.any(String) });
  };

  test("upstream's stray operation under a selected tag: named, with what selected it and the line that leaves it out", async () => {
    const ws = await workspace({ surface: NO_EXCLUDE });
    const before = await ws.snapshot();
    const path = await ws.source("workflow.yaml", upstreamText(TODAY, "workflow.yaml"));
    const failed = ws.run({ "workflow.yaml": path });
    await expect(failed).rejects.toMatchObject({ code: "SPEC_LINT", line: expect.any(Number) });
    const { message } = await failed.catch((error) => error);
    expect(message).toMatch(
      /workflow\.yaml \(from .*\):\d+:\d+: Path parameter `flowControlKey` is not used in the path `\/v2\/keys\/rotate`\. \[path-parameters-defined\]/,
    );
    expect(message).toContain(
      'GET /v2/keys/rotate ("Get Flow Control Key") is selected by tag "Flow Control" in openapi/surface.yaml.',
    );
    expect(message).toContain("add it under select.exclude:\n      - GET /v2/keys/rotate");
    expect(await ws.snapshot()).toEqual({ ...before, "sources/workflow.yaml": expect.any(String) });
  });

  test("an excluded operation is left out; one upstream later drops is reported, never an error", async () => {
    const ws = await workspace();
    const workflow = workflowSpec();
    delete workflow.paths["/v2/keys/rotate"].get;
    const result = await ws.run({ "workflow.yaml": await ws.source("w.yaml", workflow) }, { dryRun: true });
    expect(result.report.selected).not.toContain("GET /v2/keys/rotate");
    expect(result.text).toContain('select.exclude "GET /v2/keys/rotate" matches no operation any more; remove it.');
  });

  test("an exclusion that is not an operation, or is also selected by name", async () => {
    const cases: [string, string][] = [
      ["  exclude: [/v2/keys/rotate]\n", '"/v2/keys/rotate" is not an operation; write it as "METHOD /path"'],
      [
        "  operations: [GET /v2/keys]\n  exclude: [GET /v2/keys]\n",
        "GET /v2/keys is both in select.operations and in select.exclude",
      ],
    ];
    for (const [select, why] of cases) {
      const ws = await workspace({ surface: `${NO_EXCLUDE}${select}` });
      await expect(ws.run({ "qstash.yaml": await ws.source("q.yaml", qstashSpec()) })).rejects.toMatchObject({
        code: "SPEC_CONFIG",
        message: expect.stringContaining(why),
      });
    }
  });

  test("a malformed file: its line", async () => {
    const text = upstreamText(TODAY, "qstash.yaml").replace("\npaths:\n", "\npaths:\n  [broken\n");
    await fails(text, {
      code: "SPEC_PARSE",
      line: expect.any(Number),
      message: expect.stringMatching(/^openapi\/qstash\.yaml \(from .*\):\d+:\d+: not valid YAML/),
    });
  });

  test("an unresolvable $ref in the selection: its line and the $ref", async () => {
    const doc = changedQStash((d) => {
      d.paths["/v2/flowControl"].get.responses[200].content["application/json"].schema.items = {
        $ref: "#/components/schemas/Nope",
      };
    });
    await fails(doc, {
      code: "SPEC_LINT",
      ref: "#/components/schemas/Nope",
      message: expect.stringMatching(
        /qstash\.yaml \(from .*\):\d+:\d+: Can't resolve \$ref \(\$ref: #\/components\/schemas\/Nope\)/,
      ),
    });
  });

  test("an unresolvable $ref outside the selection does not block", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths["/v2/queues"].get.responses[200].content["application/json"].schema = {
        $ref: "#/components/schemas/Nope",
      };
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) });
    expect(result.report.outside).toEqual([{ id: "GET /v2/queues", change: "changed", file: "qstash.yaml" }]);
  });

  test("a selection that matches nothing", async () => {
    const ws = await workspace({ surface: "specs: [qstash.yaml, workflow.yaml]\nselect:\n  tags: [Flow control]\n" });
    await expect(ws.run({ "qstash.yaml": await ws.source("q.yaml", qstashSpec()) })).rejects.toMatchObject({
      code: "SPEC_SELECTION",
      message: expect.stringContaining(
        "the selection (tags: Flow control; operations: none) matches no operation in qstash.yaml, workflow.yaml",
      ),
    });
  });

  test("generation names a malformed vendored file and its line", async () => {
    const ws = await workspace();
    const file = join(ws.options.openapiDir, "workflow.yaml");
    const lines = upstreamText(TODAY, "workflow.yaml").split("\n");
    const at = lines.indexOf("paths:") + 2;
    lines.splice(at - 1, 0, "  x: a: b"); // a nested mapping on one line: not YAML
    await writeFile(file, lines.join("\n"));
    await expect(render({ openapiDir: ws.options.openapiDir })).rejects.toMatchObject({
      code: "SPEC_PARSE",
      file,
      line: at,
      message: expect.stringContaining(`${file}:${at}:`),
    });
  });

  test("generation names the vendored file and the $ref it cannot resolve", async () => {
    const ws = await workspace();
    const file = join(ws.options.openapiDir, "workflow.yaml");
    const text = upstreamText(TODAY, "workflow.yaml");
    const at = text.indexOf("$ref: '#/components/schemas/FlowControlKey'");
    await writeFile(
      file,
      `${text.slice(0, at)}$ref: '#/components/schemas/Missing'${text.slice(text.indexOf("\n", at))}`,
    );
    await expect(render({ openapiDir: ws.options.openapiDir })).rejects.toMatchObject({
      code: "SPEC_LINT",
      file,
      ref: "#/components/schemas/Missing",
      message: expect.stringMatching(
        /workflow\.yaml:\d+:\d+: Can't resolve \$ref \(\$ref: #\/components\/schemas\/Missing\)/,
      ),
    });
  });

  test("an update names a broken vendored file it does not replace by its place in openapi/", async () => {
    const ws = await workspace();
    const file = join(ws.options.openapiDir, "workflow.yaml");
    await writeFile(file, upstreamText(TODAY, "workflow.yaml").replace("\npaths:\n", "\npaths:\n  x: a: b\n"));
    const source = await ws.source("q.yaml", qstashSpec());
    await expect(ws.run({ "qstash.yaml": source })).rejects.toMatchObject({ code: "SPEC_PARSE", file });
  });

  test("a malformed openapi/surface.yaml: the file and its line", async () => {
    const ws = await workspace({ surface: "specs: [qstash.yaml, workflow.yaml]\nselect:\n  tags: [Flow Control\n" });
    const before = await ws.snapshot();
    const file = join(ws.options.openapiDir, "surface.yaml");
    await expect(ws.run({ "qstash.yaml": await ws.source("q.yaml", qstashSpec()) })).rejects.toMatchObject({
      code: "SPEC_CONFIG",
      file,
      line: expect.any(Number),
      message: expect.stringMatching(new RegExp(`^${file.replace(/[.\\]/g, "\\$&")}: cannot be read: .* at line \\d+`)),
    });
    expect(await ws.snapshot()).toEqual({ ...before, "sources/q.yaml": expect.any(String) });
  });

  test("a write that fails part way puts back every file it replaced", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qstash-flow-write-test-"));
    try {
      await writeFile(join(dir, "a.txt"), "old");
      await mkdir(join(dir, "b.txt", "inside"), { recursive: true }); // a folder where a file should go
      const files = { [join(dir, "a.txt")]: "new", [join(dir, "b.txt")]: "b", [join(dir, "c.txt")]: "c" };
      await expect(writeAll(files)).rejects.toThrow();
      expect(await readFile(join(dir, "a.txt"), "utf8")).toBe("old");
      expect((await readdir(dir)).sort()).toEqual(["a.txt", "b.txt"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a source that holds no OpenAPI document", async () => {
    await fails("# Pause\n\nNo spec here.\n", {
      code: "SPEC_SOURCE",
      message: expect.stringContaining("holds no OpenAPI document"),
    });
  });
});
