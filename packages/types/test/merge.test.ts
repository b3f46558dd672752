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

describe("the same route with different parameter names", () => {
  const op = { responses: { "200": { description: "ok" } } };
  const spec = (paths: object) => ({ openapi: "3.1.0", info: { title: "t", version: "1" }, paths });
  const param = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
  const at = (name: string) => ({ ...op, parameters: [param(name)] });

  test("fails, naming both files and both spellings", async () => {
    const error = await render({ specDir: await specDir("conflict-route") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MergeConflictError);
    expect((error as Error).message).toContain(
      "route /v2/flowControl/{} is spelled with different parameter names: " +
        "/v2/flowControl/{flowControlKey} (GET) in qstash.yaml and /v2/flowControl/{key} (GET) in workflow.yaml",
    );
    expect((error as Error).message).toContain('openapi/merge.yaml under paths: "/v2/flowControl/{}": <file>');
  });

  test("fails for different methods on the two spellings too (one path item in OpenAPI)", () => {
    const specs = [
      { file: "a.yaml", doc: spec({ "/k/{a}/pin": { get: at("a") } }) },
      { file: "b.yaml", doc: spec({ "/k/{b}/pin": { post: at("b") } }) },
    ];
    expect(() => mergeSpecs(specs)).toThrow("route /k/{}/pin is spelled with different parameter names");
  });

  test.each([
    ["qstash.yaml", "/v2/flowControl/{flowControlKey}", "/v2/flowControl/{key}"],
    ["workflow.yaml", "/v2/flowControl/{key}", "/v2/flowControl/{flowControlKey}"],
  ])("merge.yaml decides whose spelling wins (%s)", async (winner, kept, lost) => {
    const dir = await specDir("conflict-route", `paths:\n  "/v2/flowControl/{}": ${winner}\n`);
    const files = await render({ specDir: dir });
    const combined = JSON.parse(files["combined.openapi.json"] as string);
    expect(Object.keys(combined.paths)).toEqual([kept]);
    expect(files["combined.ts"]).toContain(`"${kept}"`);
    expect(files["combined.ts"]).not.toContain(`"${lost}"`);
  });

  test("the loser's other operations on its spelling are left out; other routes stay", () => {
    const specs = [
      { file: "a.yaml", doc: spec({ "/k/{a}": { get: at("a"), delete: at("a") }, "/other": { get: op } }) },
      { file: "b.yaml", doc: spec({ "/k/{b}": { get: at("b") } }) },
    ];
    const merged = mergeSpecs(specs, { paths: { "/k/{}": "b.yaml" } });
    expect(Object.keys(merged.paths)).toEqual(["/k/{b}", "/other"]);
  });

  test("stale or wrong merge.yaml entries for a route are errors", async () => {
    const agree = await specDir("agree", `paths:\n  "/v2/flowControl/{}": a.yaml\n`);
    await expect(render({ specDir: agree })).rejects.toThrow(
      'openapi/merge.yaml resolves paths "/v2/flowControl/{}", but every spec spells it /v2/flowControl/{flowControlKey}; remove the entry',
    );
    const specs = [
      { file: "a.yaml", doc: spec({ "/k/{a}": { get: at("a") } }) },
      { file: "b.yaml", doc: spec({ "/k/{b}": { get: at("b") } }) },
      { file: "c.yaml", doc: spec({ "/other": { get: op } }) },
    ];
    expect(() => mergeSpecs(specs, { paths: { "/nope/{}": "a.yaml" } })).toThrow(
      'openapi/merge.yaml names paths "/nope/{}", which no spec defines; remove the entry',
    );
    expect(() => mergeSpecs(specs, { paths: { "/k/{}": "c.yaml" } })).toThrow(
      'openapi/merge.yaml names c.yaml for paths "/k/{}", but c.yaml does not define it',
    );
    expect(() => mergeSpecs(specs, { paths: { "/k/{}": "d.yaml" } })).toThrow(/no spec file has that name/);
    expect(() => mergeSpecs(specs, { paths: { "/k/{a}": "a.yaml" } })).toThrow(
      'openapi/merge.yaml names paths "/k/{a}"; write a route with every parameter as {}: "/k/{}"',
    );
    const twice = [
      { file: "a.yaml", doc: spec({ "/k/{a}": { get: at("a") }, "/k/{x}": { post: at("x") } }) },
      { file: "b.yaml", doc: spec({ "/k/{b}": { get: at("b") } }) },
    ];
    expect(() => mergeSpecs(twice, { paths: { "/k/{}": "a.yaml" } })).toThrow(
      "but a.yaml itself spells it /k/{a} and /k/{x}",
    );
  });
});

describe("servers", () => {
  const url = "https://{region}.qstash.upstash.io";
  const op = { responses: { "200": { description: "ok" } } };
  const spec = (servers: object[], paths: object = {}) => ({
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    servers,
    paths,
  });

  test("a server URL defined differently fails, naming both files and the URL", async () => {
    const error = await render({ specDir: await specDir("conflict-server") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MergeConflictError);
    expect((error as Error).message).toContain(
      `server ${url} is defined differently in qstash.yaml and workflow.yaml; ` +
        `name the file that wins in openapi/merge.yaml under servers: "${url}": <file>`,
    );
  });

  test("a different description or enum is a conflict too; identical servers merge silently", () => {
    const base = { url: "https://qstash.upstash.io", description: "EU" };
    const region = { url, variables: { region: { default: "eu", enum: ["eu", "us"] } } };
    const narrower = { url, variables: { region: { default: "eu", enum: ["eu"] } } };
    expect(() =>
      mergeSpecs([
        { file: "a.yaml", doc: spec([base]) },
        { file: "b.yaml", doc: spec([{ ...base, description: "US" }]) },
      ]),
    ).toThrow("server https://qstash.upstash.io is defined differently in a.yaml and b.yaml");
    expect(() =>
      mergeSpecs([
        { file: "a.yaml", doc: spec([region]) },
        { file: "b.yaml", doc: spec([narrower]) },
      ]),
    ).toThrow(`server ${url} is defined differently in a.yaml and b.yaml`);
    const merged = mergeSpecs([
      { file: "a.yaml", doc: spec([base, region]) },
      { file: "b.yaml", doc: spec([structuredClone(region), { url: "https://other.example" }, { ...base }]) },
    ]);
    expect(merged.servers).toEqual([base, region, { url: "https://other.example" }]);
  });

  test.each([
    ["qstash.yaml", "eu-central-1"],
    ["workflow.yaml", "us-east-1"],
  ])("merge.yaml decides which file wins (%s)", async (winner, region) => {
    const dir = await specDir("conflict-server", `servers:\n  "${url}": ${winner}\n`);
    const combined = JSON.parse((await render({ specDir: dir }))["combined.openapi.json"] as string);
    expect(combined.servers).toEqual([{ url, variables: { region: { default: region, enum: expect.any(Array) } } }]);
  });

  test("merge.yaml entries for servers that resolve nothing are errors", async () => {
    const agree = await specDir("agree", `servers:\n  "https://qstash.upstash.io": a.yaml\n`);
    await expect(render({ specDir: agree })).rejects.toThrow(
      'openapi/merge.yaml resolves servers "https://qstash.upstash.io", but the specs agree on it; remove the entry',
    );
    const specs = [
      { file: "a.yaml", doc: spec([{ url: "https://a.example" }]) },
      { file: "b.yaml", doc: spec([{ url: "https://b.example" }]) },
    ];
    expect(() => mergeSpecs(specs, { servers: { "https://nope.example": "a.yaml" } })).toThrow(
      'openapi/merge.yaml names servers "https://nope.example", which no spec defines; remove the entry',
    );
    expect(() => mergeSpecs(specs, { servers: { "https://a.example": "b.yaml" } })).toThrow(
      'openapi/merge.yaml names b.yaml for servers "https://a.example", but b.yaml does not define it',
    );
  });

  test("path-level servers are carried into each operation unless it has its own", async () => {
    const eu = [{ url: "https://eu.qstash.upstash.io" }];
    const us = [{ url: "https://us.qstash.upstash.io" }];
    const merged = mergeSpecs([
      {
        file: "a.yaml",
        doc: spec([], { "/v2/globalParallelism": { servers: eu, get: op, post: { ...op, servers: us } } }),
      },
    ]);
    expect(merged.paths["/v2/globalParallelism"]?.get.servers).toEqual(eu);
    expect(merged.paths["/v2/globalParallelism"]?.post.servers).toEqual(us);
    // written at path level in one file and on the operation in the other: the same operation
    const same = mergeSpecs([
      { file: "a.yaml", doc: spec([], { "/g": { servers: eu, get: op } }) },
      { file: "b.yaml", doc: spec([], { "/g": { get: { ...op, servers: eu } } }) },
    ]);
    expect(same.paths["/g"]?.get.servers).toEqual(eu);
    // different path-level servers make the operations differ
    expect(() =>
      mergeSpecs([
        { file: "a.yaml", doc: spec([], { "/g": { servers: eu, get: op } }) },
        { file: "b.yaml", doc: spec([], { "/g": { servers: us, get: op } }) },
      ]),
    ).toThrow("GET /g is defined differently in a.yaml and b.yaml");
    const dir = await specDir("agree");
    await rm(join(dir, "b.yaml"));
    await writeFile(join(dir, "a.yaml"), JSON.stringify(spec([], { "/g": { servers: eu, get: op } })));
    const combined = JSON.parse((await render({ specDir: dir }))["combined.openapi.json"] as string);
    expect(combined.paths["/g"].get.servers).toEqual(eu);
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
