import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { generate, render } from "../scripts/generate.mjs";
import { MergeConflictError, mergeSpecs } from "../scripts/merge.mjs";

const fixtures = join(import.meta.dirname, "fixtures/merge");
const temps: string[] = [];

async function specDir(fixture: string, mergeConfig?: string) {
  const dir = await mkdtemp(join(tmpdir(), "qstash-flow-merge-"));
  temps.push(dir);
  await cp(join(fixtures, fixture), dir, { recursive: true });
  if (mergeConfig !== undefined) await writeFile(join(dir, "merge.yaml"), mergeConfig);
  return dir;
}

afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("merging specs", () => {
  test("identical definitions of a path and a schema merge silently", async () => {
    const files = await render({ specDir: await specDir("agree") });
    const combined = JSON.parse(files["combined.openapi.json"] as string);
    expect(Object.keys(combined.paths)).toEqual(["/v2/flowControl/{flowControlKey}"]);
    expect(Object.keys(combined.components.schemas.FlowControlKey.properties)).toEqual([
      "flowControlKey",
      "waitListSize",
    ]);
    expect(files["combined.ts"]).toContain('"/v2/flowControl/{flowControlKey}"');
  });

  test("a path defined differently fails, naming both files and the path", async () => {
    const dir = await specDir("conflict-path");
    const error = await render({ specDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MergeConflictError);
    expect((error as Error).message).toContain(
      "GET /v2/flowControl/{flowControlKey} is defined differently in qstash.yaml and workflow.yaml",
    );
    expect((error as Error).message).toContain("openapi/merge.yaml");
  });

  test("a schema defined differently fails, naming both files and the schema", async () => {
    const error = await render({ specDir: await specDir("conflict-schema") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MergeConflictError);
    expect((error as Error).message).toContain(
      "components.schemas.FlowControlKey is defined differently in qstash.yaml and workflow.yaml",
    );
  });

  test.each(["qstash.yaml", "workflow.yaml"])("merge.yaml decides which file wins (%s)", async (winner) => {
    const dir = await specDir("conflict-schema", `components:\n  "schemas/FlowControlKey": ${winner}\n`);
    const files = await render({ specDir: dir });
    const combined = JSON.parse(files["combined.openapi.json"] as string);
    const field = winner === "qstash.yaml" ? "waitListSize" : "waitlistSize";
    expect(Object.keys(combined.components.schemas.FlowControlKey.properties)).toContain(field);
  });

  test("merge.yaml entries that resolve nothing are errors, not silently ignored", () => {
    const doc = (title: string) => ({ openapi: "3.1.0", info: { title, version: "1" }, paths: {} });
    const specs = [
      { file: "a.yaml", doc: doc("a") },
      { file: "b.yaml", doc: doc("b") },
    ];
    expect(() => mergeSpecs(specs, { paths: { "GET /nope": "a.yaml" } })).toThrow(/which no spec defines/);
    expect(() => mergeSpecs(specs, { components: { "schemas/X": "c.yaml" } })).toThrow(/no spec file has that name/);
  });

  test("path-level parameters compare equal to operation-level ones", () => {
    const param = { name: "flowControlKey", in: "path", required: true, schema: { type: "string" } };
    const op = { responses: { "200": { description: "ok" } } };
    const a = { paths: { "/k/{flowControlKey}": { parameters: [param], post: op } } };
    const b = { paths: { "/k/{flowControlKey}": { post: { ...op, parameters: [param] } } } };
    const merged = mergeSpecs([
      { file: "a.yaml", doc: a },
      { file: "b.yaml", doc: b },
    ]);
    expect(merged.paths["/k/{flowControlKey}"]?.post.parameters).toEqual([param]);
  });

  test("a path item written as a $ref is an error, not operations silently dropped", async () => {
    const op = { responses: { "200": { description: "ok" } } };
    const doc = {
      paths: { "/v2/globalParallelism": { $ref: "#/components/pathItems/Global" } },
      components: { pathItems: { Global: { get: op } } },
    };
    expect(() => mergeSpecs([{ file: "a.yaml", doc }])).toThrow(
      "unsupported: path item $ref in a.yaml /v2/globalParallelism",
    );
    const dir = await specDir("agree");
    await writeFile(
      join(dir, "c.yaml"),
      [
        "openapi: 3.1.0",
        "info: { title: c, version: '1' }",
        "paths:",
        "  /v2/globalParallelism:",
        '    $ref: "#/components/pathItems/Global"',
        "components:",
        "  pathItems:",
        "    Global:",
        "      get:",
        "        responses:",
        '          "200": { description: ok }',
        "",
      ].join("\n"),
    );
    await expect(render({ specDir: dir })).rejects.toThrow(
      "unsupported: path item $ref in c.yaml /v2/globalParallelism",
    );
  });

  describe("$ref parameters", () => {
    const key = { name: "flowControlKey", in: "path", required: true, schema: { type: "string" } };
    const dryRun = { name: "dryRun", in: "query", schema: { type: "boolean" } };
    const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` });
    const op = { responses: { "200": { description: "ok" } } };
    const doc = (path: object) => ({
      openapi: "3.1.0",
      info: { title: "a", version: "1" },
      paths: { "/k/{flowControlKey}": path },
      components: { parameters: { Key: key, DryRun: dryRun } },
    });

    test("a path-level $ref and a different operation-level $ref both survive", () => {
      const merged = mergeSpecs([
        { file: "a.yaml", doc: doc({ parameters: [ref("Key")], post: { ...op, parameters: [ref("DryRun")] } }) },
      ]);
      expect(merged.paths["/k/{flowControlKey}"]?.post.parameters).toEqual([ref("Key"), ref("DryRun")]);
    });

    test("references that cannot be resolved are told apart by the reference", () => {
      const other = (name: string) => ({ $ref: `other.yaml#/components/parameters/${name}` });
      const merged = mergeSpecs([
        { file: "a.yaml", doc: doc({ parameters: [other("Key")], post: { ...op, parameters: [other("DryRun")] } }) },
      ]);
      expect(merged.paths["/k/{flowControlKey}"]?.post.parameters).toEqual([other("Key"), other("DryRun")]);
    });

    test("an operation-level parameter still overrides a path-level $ref to the same name and location", () => {
      const own = { ...key, description: "the operation's own" };
      const merged = mergeSpecs([
        { file: "a.yaml", doc: doc({ parameters: [ref("Key"), ref("DryRun")], post: { ...op, parameters: [own] } }) },
      ]);
      expect(merged.paths["/k/{flowControlKey}"]?.post.parameters).toEqual([ref("DryRun"), own]);
    });

    test("both reach the combined types", async () => {
      const dir = await specDir("agree");
      await rm(join(dir, "b.yaml"));
      await writeFile(
        join(dir, "a.yaml"),
        JSON.stringify(doc({ parameters: [ref("Key")], post: { ...op, parameters: [ref("DryRun")] } })),
      );
      const files = await render({ specDir: dir });
      const post = JSON.parse(files["combined.openapi.json"] as string).paths["/k/{flowControlKey}"].post;
      expect(post.parameters).toEqual([ref("Key"), ref("DryRun")]);
      const combined = files["combined.ts"] as string;
      expect(combined).toContain('flowControlKey: components["parameters"]["Key"]');
      expect(combined).toContain('dryRun?: components["parameters"]["DryRun"]');
    });
  });
});

describe("the committed generated files", () => {
  test("are exactly what generation writes now (run `pnpm generate` if this fails)", async () => {
    const { stale } = await generate({ check: true });
    expect(stale).toEqual([]);
  });

  test("carry a do-not-edit header", async () => {
    const files = await render();
    for (const [name, text] of Object.entries(files)) {
      if (name.endsWith(".ts")) expect(text.startsWith("/**\n * Generated by `pnpm generate`")).toBe(true);
    }
    const committed = await readFile(join(import.meta.dirname, "../src/generated/combined.ts"), "utf8");
    expect(committed).toContain("Do not edit");
  });

  test("combine all eight flow-control operations into one paths type", async () => {
    const combined = JSON.parse((await render())["combined.openapi.json"] as string);
    const operations = Object.entries(combined.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        "GET /v2/flowControl",
        "GET /v2/flowControl/{flowControlKey}",
        "POST /v2/flowControl/{flowControlKey}/pause",
        "POST /v2/flowControl/{flowControlKey}/resume",
        "POST /v2/flowControl/{flowControlKey}/pin",
        "POST /v2/flowControl/{flowControlKey}/unpin",
        "POST /v2/flowControl/{flowControlKey}/resetRate",
        "GET /v2/globalParallelism",
      ].sort(),
    );
  });
});
