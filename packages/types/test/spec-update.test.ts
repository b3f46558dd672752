// `pnpm spec:update` end to end on upstream-shaped whole documents: staged, linted,
// selected, merged, compared with the committed surface, written (or not).
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { stringify } from "yaml";
import { afterEach, describe, expect, test } from "vitest";
import { render } from "../../../scripts/spec/generate.mjs";
import { formatBreakage } from "../../../scripts/spec/internal/verify.mjs";
import { writeAll } from "../../../scripts/spec/internal/write.mjs";
import { formatConflict } from "../../../scripts/spec/surface.mjs";
import { summarize } from "../../../scripts/spec/update.mjs";
import {
  CONSUMER_SOURCE,
  changedQStash,
  qstashSpec,
  page,
  removeWorkspaces,
  SURFACE,
  workflowSpec,
  workspace,
} from "./spec-workspace.ts";

afterEach(removeWorkspaces);

const FLOW = "/v2/flowControl/{flowControlKey}";

describe("an update from upstream's whole documents", () => {
  test("only the selection is compared; the rest is carried along and counted", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths["/v2/messages0"].get.summary = "Renamed outside the selection";
      delete d.paths["/v2/queues1/{id}"];
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) });
    expect(result.report.bump).toBeNull();
    expect(result.outside).toBe(3); // one changed, two removed (GET and POST of the queue)
    expect(result.changeset).toBeNull();
    expect(await ws.changesets()).toEqual([]);
    expect(await readFile(join(ws.options.openapiDir, "qstash.yaml"), "utf8")).toBe(stringify(doc));
    const text = summarize(result, ws.dir);
    expect(text).toContain("No change to the selected API surface.");
    expect(text).toContain("3 operations outside the selection changed");
    expect(text).toContain("No changeset: nothing in the selection changed.");
  });

  test("a new optional field is a minor release that names the field; a second run changes nothing", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.components.schemas.FlowControlKey.properties.burst = { type: "integer", description: "Burst." };
    });
    const source = { "qstash.yaml": await ws.source("qstash.yaml", doc) };
    const first = await ws.run(source);
    expect(first.report.bump).toBe("minor");
    expect(first.text).toMatch(/- `GET \/v2\/flowControl`\n {2}- minor: \[Added\] property `burst`/);
    const [name] = await ws.changesets();
    const changeset = await readFile(join(ws.options.changesetDir, name ?? ""), "utf8");
    // dependents import the types: their published files do not change
    expect(changeset).toMatch(/^---\n"@qstash-flow\/types": minor\n---\n/);
    const generated = await readFile(join(ws.options.outDir, "combined.ts"), "utf8");
    expect(generated).toContain("burst?: number;");

    const before = await ws.snapshot();
    const second = await ws.run(source);
    expect(second.report.bump).toBeNull();
    expect(second.files).toEqual([]);
    expect(await ws.snapshot()).toEqual(before);
  });

  test("a recursive schema is compared and reported like any other", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      const fields: Record<string, object> = d.components.schemas.FlowControlKey.properties;
      fields.parent = { $ref: "#/components/schemas/FlowControlKey" };
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) });
    expect(result.report.bump).toBe("minor");
    expect(result.text).toContain("[Added] property `parent`");
    expect(result.conflicts.find((c: { id: string }) => c.id === "schemas/FlowControlKey")?.differences).toContain(
      "`FlowControlKey.parent` only in qstash.yaml",
    );
  });

  /** Both specs lose `resetRate`; the update runs with the build check over the consumer package. */
  async function runWithoutResetRate(ws: Awaited<ReturnType<typeof workspace>>) {
    const doc = changedQStash((d) => {
      delete d.paths[`${FLOW}/resetRate`];
    });
    const workflow = workflowSpec();
    delete workflow.paths[`${FLOW}/resetRate`];
    return ws.run(
      {
        "qstash.yaml": await ws.source("qstash.yaml", doc),
        "workflow.yaml": await ws.source("workflow.yaml", workflow),
      },
      { verify: true, verifyPackages: [ws.consumerDir] },
    );
  }

  test("a removed operation is major and names the calls it breaks", async () => {
    const ws = await workspace();
    const result = await runWithoutResetRate(ws);
    expect(result.report.bump).toBe("major");
    expect(result.report.removed).toEqual([`POST ${FLOW}/resetRate`]);
    const line = CONSUMER_SOURCE.split("\n").findIndex((l) => l.includes("/resetRate")) + 1;
    expect(result.breakages.map(formatBreakage)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^operation POST /v2/flowControl/\\{flowControlKey\\}/resetRate broke packages/consumer/src/index\\.ts:${line}: `,
        ),
      ),
    ]);
    expect(summarize(result, ws.dir)).toContain("Build check: the new types break the build:");
  });

  test("a call through request(), a type indexed by path and method: named too; other errors are not", async () => {
    const ws = await workspace();
    const source = [
      `import type { paths } from "@qstash-flow/types";`,
      `declare const transport: { request<P extends keyof paths>(method: "post", path: P): Promise<unknown> };`,
      `declare const client: { POST(path: "/v2/flowControl/{flowControlKey}/pause"): Promise<unknown> };`,
      `export const reset = () => transport.request("post", "/v2/flowControl/{flowControlKey}/resetRate");`,
      `export type Reset = paths["/v2/flowControl/{flowControlKey}/resetRate"]["post"];`,
      `export const paused = client.POST("/v2/flowControl/{flowControlKey}/pause").then(() => {`,
      `  const count: number = "not a number";`,
      "  return count;",
      "});",
      "",
    ].join("\n");
    await writeFile(join(ws.consumerDir, "src/index.ts"), source);
    const result = await runWithoutResetRate(ws);
    const file = "packages/consumer/src/index.ts";
    expect(result.breakages.map(formatBreakage)).toEqual([
      expect.stringMatching(new RegExp(`^operation POST ${FLOW.replace(/[{}]/g, "\\$&")}/resetRate broke ${file}:4: `)),
      expect.stringMatching(new RegExp(`^operation POST ${FLOW.replace(/[{}]/g, "\\$&")}/resetRate broke ${file}:5: `)),
      expect.stringMatching(new RegExp(`^${file}:7: .*\\(no operation call found here\\)$`)),
    ]);
  });

  test("a changed parameter type is major", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths[`${FLOW}/pin`].post.parameters[1].schema.type = "string";
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) });
    expect(result.report.bump).toBe("major");
    expect(result.report.changed.get(`POST ${FLOW}/pin`)).toEqual([
      { level: "major", message: "[Replaced] type definition in query parameter `parallelism`" },
    ]);
  });

  test("descriptions only are a patch", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths[`${FLOW}/pause`].post.summary = "Pause a key";
      d.components.schemas.FlowControlKey.properties.rateMax = { type: "integer", description: "Messages per period." };
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) });
    expect(result.report.bump).toBe("patch");
    expect(result.verified).toBe(false);
    expect(result.changeset?.content).toContain('"@qstash-flow/types": patch');
  });

  test("conflicts are named by what differs, and a resolution can come with the update", async () => {
    const ws = await workspace();
    const qstash = await ws.source("qstash.yaml", qstashSpec());
    const dry = await ws.run({ "qstash.yaml": qstash }, { dryRun: true });
    const key = dry.conflicts.find((c: { id: string }) => c.id === "schemas/FlowControlKey");
    if (!key) throw new Error("no conflict reported for FlowControlKey");
    expect(formatConflict(key)).toContain(
      "schemas/FlowControlKey: qstash.yaml wins over workflow.yaml (order of specs): ",
    );
    expect(key.differences).toContain("`FlowControlKey.waitListSize` only in qstash.yaml");
    expect(key.differences).toContain("`FlowControlKey.waitlistSize` only in workflow.yaml");
    expect(key.differences).toContain("`FlowControlKey.isPaused` only in qstash.yaml");
    // qstash.yaml defines everything selected: the Workflow file adds nothing, and is told so
    expect(dry.idle).toEqual(["workflow.yaml"]);
    expect(summarize(dry, ws.dir)).toContain("workflow.yaml contributes nothing to the generated types");
    // inline in one file, a $ref in the other: no difference
    expect(dry.conflicts.find((c: { id: string }) => c.id === "GET /v2/globalParallelism")?.differences).toEqual([
      "1 documentation difference",
    ]);

    // the same run, with the resolution declared for the specs being written
    await writeFile(
      join(ws.options.openapiDir, "surface.yaml"),
      `${SURFACE}resolve:\n  schemas/FlowControlKey: workflow.yaml\n`,
    );
    const result = await ws.run({ "qstash.yaml": qstash });
    expect(result.report.bump).toBe("major");
    expect(result.idle).toEqual([]);
    expect(result.report.changed.get("GET /v2/flowControl")).toContainEqual({
      level: "major",
      message: "[Removed] property `isPaused` from `[]` in Response 200 content (application/json)",
    });
    const surface = JSON.parse(await readFile(join(ws.options.outDir, "combined.openapi.json"), "utf8"));
    expect(Object.keys(surface.components.schemas.FlowControlKey.properties)).toEqual([
      "flowControlKey",
      "waitlistSize",
    ]);
  });

  test("a resolution the specs being written do not need fails, naming it", async () => {
    const ws = await workspace({ surface: `${SURFACE}resolve:\n  schemas/Error: workflow.yaml\n` });
    const source = await ws.source("q.yaml", qstashSpec());
    const before = await ws.snapshot();
    await expect(ws.run({ "qstash.yaml": source })).rejects.toMatchObject({
      code: "SPEC_CONFLICT",
      message: expect.stringContaining(
        'resolve "schemas/Error" resolves nothing (the specs agree on it); remove the entry',
      ),
    });
    expect(await ws.snapshot()).toEqual(before);
  });
});

describe("sources", () => {
  test("a Markdown page through a file: URL, and only the named file is read", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths[`${FLOW}/pause`].post.summary = "Pause a key";
    });
    const path = await ws.source("pause.md", page("Pause", stringify(doc)));
    const fetch = () => Promise.reject(new Error("no network in this test"));
    const result = await ws.run({ "qstash.yaml": pathToFileURL(path).href }, { fetch });
    expect(result.report.bump).toBe("patch");
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

describe("failures name the file and write nothing", () => {
  const fails = async (source: string | object, expected: object) => {
    const ws = await workspace();
    const before = await ws.snapshot();
    const path = await ws.source("qstash.yaml", source);
    await expect(ws.run({ "qstash.yaml": path })).rejects.toMatchObject(expected);
    expect(await ws.snapshot()).toEqual({ ...before, "sources/qstash.yaml": expect.any(String) });
  };

  test("a malformed file: its line", async () => {
    const text = stringify(qstashSpec()).replace("paths:\n", "paths:\n  [broken\n");
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

  test("a selected route declaring a path parameter its path lacks", async () => {
    const doc = changedQStash((d) => {
      d.paths[`${FLOW}/pin`].post.parameters.push({
        name: "region",
        in: "path",
        required: true,
        schema: { type: "string" },
      });
    });
    await fails(doc, {
      code: "SPEC_LINT",
      message: expect.stringMatching(
        /:\d+:\d+: Path parameter `region` is not used in the path `\/v2\/flowControl\/\{flowControlKey\}\/pin`\. \[path-parameters-defined\]/,
      ),
    });
  });

  test("an unresolvable $ref outside the selection does not block", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths["/v2/messages0"].get.responses[200].content["application/json"].schema = {
        $ref: "#/components/schemas/Nope",
      };
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) });
    expect(result.outside).toBe(1);
  });

  test("a selection that matches nothing", async () => {
    const ws = await workspace({ surface: "specs: [qstash.yaml, workflow.yaml]\nselect:\n  tags: [Flow control]\n" });
    await expect(
      ws.run({
        "qstash.yaml": await ws.source("q.yaml", qstashSpec()),
      }),
    ).rejects.toMatchObject({
      code: "SPEC_SELECTION",
      message: expect.stringContaining(
        "the selection (tags: Flow control; operations: none) matches no operation in qstash.yaml, workflow.yaml",
      ),
    });
  });

  test("generation names a malformed vendored file and its line", async () => {
    const ws = await workspace();
    const file = join(ws.options.openapiDir, "workflow.yaml");
    const lines = stringify(workflowSpec()).split("\n");
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
    const doc = workflowSpec();
    doc.paths["/v2/flowControl"].get.responses[200].content["application/json"].schema.items = {
      $ref: "#/components/schemas/Missing",
    };
    await writeFile(file, stringify(doc));
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
    await writeFile(file, stringify(workflowSpec()).replace("paths:\n", "paths:\n  x: a: b\n"));
    const source = await ws.source("q.yaml", qstashSpec());
    await expect(ws.run({ "qstash.yaml": source })).rejects.toMatchObject({ code: "SPEC_PARSE", file });
  });

  test("a malformed openapi/surface.yaml: the file and its line", async () => {
    const ws = await workspace({ surface: "specs: [qstash.yaml, workflow.yaml]\nselect:\n  tags: [Flow Control\n" });
    const before = await ws.snapshot();
    const file = join(ws.options.openapiDir, "surface.yaml");
    await expect(
      ws.run({
        "qstash.yaml": await ws.source("q.yaml", qstashSpec()),
      }),
    ).rejects.toMatchObject({
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
