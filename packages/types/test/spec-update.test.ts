import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { SpecSourceError } from "../scripts/spec-update.mjs";
import { pages, removeWorkspaces, workspace } from "./spec-update-fixture.ts";

afterEach(removeWorkspaces);

const messages = (changes: { level: string; message: string }[]) => changes.map((c) => `${c.level}: ${c.message}`);

describe("pnpm spec:update on fixture pages", () => {
  test("unchanged pages: no report, no changeset, nothing written", async () => {
    const ws = await workspace();
    const before = await ws.snapshot();
    const result = await ws.run(pages());
    expect(result.report.bump).toBeNull();
    expect(result.text).toBe("No change to the API surface.\n");
    expect(result.changeset).toBeNull();
    expect(result.files).toEqual([]);
    expect(await ws.snapshot()).toEqual(before);
  });

  test("a new page adds an operation: minor, spliced into the vendored file, regenerated, changeset", async () => {
    const ws = await workspace();
    const vendored = await readFile(join(ws.openapiDir, "workflow.yaml"), "utf8");
    const result = await ws.run(pages({ "workflow.yaml": ["resume.md", "unpin.md", "pin.md"] }));

    expect(result.report.operations.added.map((o) => o.id)).toEqual(["POST /v2/flowControl/{flowControlKey}/pin"]);
    expect(result.report.bump).toBe("minor");
    const written = await readFile(join(ws.openapiDir, "workflow.yaml"), "utf8");
    // upstream's text is kept: the old file is the new one minus the added path entry
    expect(written.replace(/ {2}\/v2\/flowControl\/\{flowControlKey\}\/pin:\n(?: {4,}.*\n)+/, "")).toBe(vendored);
    expect(await readFile(join(ws.outDir, "combined.ts"), "utf8")).toContain('"/v2/flowControl/{flowControlKey}/pin"');

    const [name] = await ws.changesets();
    expect(name).toMatch(/^spec-update-[0-9a-f]{8}\.md$/);
    const changeset = await readFile(join(ws.changesetDir, name as string), "utf8");
    // the types and the published package built on them; not private or unrelated ones
    expect(changeset).toMatch(/^---\n"@qstash-flow\/types": minor\n"@qstash-flow\/consumer": minor\n---\n/);
    expect(changeset).toContain(
      "- `POST /v2/flowControl/{flowControlKey}/pin` (Pin Configuration for Flow Control Key)",
    );
    expect(result.files.sort()).toEqual(
      [
        join(ws.openapiDir, "workflow.yaml"),
        join(ws.outDir, "workflow.ts"),
        join(ws.outDir, "combined.ts"),
        join(ws.outDir, "combined.openapi.json"),
        join(ws.changesetDir, name as string),
      ].sort(),
    );
  });

  test("a page dropped from a file removes its operation: major", async () => {
    const ws = await workspace();
    const result = await ws.run(pages({ "workflow.yaml": ["resume.md"] }));
    expect(result.report.operations.removed.map((o) => o.id)).toEqual(["POST /v2/flowControl/{flowControlKey}/unpin"]);
    expect(result.report.bump).toBe("major");
    expect(await readFile(join(ws.outDir, "combined.ts"), "utf8")).not.toContain("/unpin");
    const [name] = await ws.changesets();
    expect(await readFile(join(ws.changesetDir, name as string), "utf8")).toContain('"@qstash-flow/types": major');
  });

  test("a parameter changing type or becoming required is major", async () => {
    const ws = await workspace();
    const result = await ws.run(pages({ "workflow.yaml": ["resume.md", "unpin-breaking.md"] }));
    const [unpin] = result.report.operations.changed;
    expect(unpin?.id).toBe("POST /v2/flowControl/{flowControlKey}/unpin");
    expect(messages(unpin?.changes ?? []).sort()).toEqual([
      "major: query parameter `parallelism`: type boolean → integer",
      "major: query parameter `rate` became required",
    ]);
    expect(result.report.bump).toBe("major");
  });

  test("a new optional parameter is minor", async () => {
    const ws = await workspace();
    const result = await ws.run(pages({ "workflow.yaml": ["resume.md", "unpin-optional-param.md"] }));
    expect(messages(result.report.operations.changed[0]?.changes ?? [])).toEqual([
      "minor: optional query parameter `period` added",
    ]);
    expect(result.report.bump).toBe("minor");
  });

  test("response schemas: a new body is minor, a field changing type is major", async () => {
    const ws = await workspace();
    const first = await ws.run(pages({ "qstash.yaml": ["pause-response-body.md"] }));
    expect(messages(first.report.operations.changed[0]?.changes ?? [])).toEqual([
      "minor: response 200: application/json body added",
    ]);
    expect(first.report.bump).toBe("minor");

    const second = await ws.run(pages({ "qstash.yaml": ["pause-response-changed.md"] }));
    expect(messages(second.report.operations.changed[0]?.changes ?? []).sort()).toEqual([
      "major: response 200 (application/json).waitListSize: type integer → string",
      "minor: response 200 (application/json): optional property `pausedAt` added",
    ]);
    expect(second.report.bump).toBe("major");
    expect(await ws.changesets()).toHaveLength(2);
  });

  test("a server added is minor and reported under servers", async () => {
    const ws = await workspace();
    const result = await ws.run(pages({ "qstash.yaml": ["pause-servers.md"] }));
    expect(messages(result.report.servers)).toEqual(["minor: server https://qstash-{region}.upstash.io added"]);
    expect(result.report.operations.changed).toEqual([]);
    expect(result.report.bump).toBe("minor");
    expect(result.text).toContain("**Servers**");
  });

  test("descriptions only: a patch for the types alone, listed as documentation", async () => {
    const ws = await workspace();
    const result = await ws.run(pages({ "qstash.yaml": ["pause-doc.md"] }));
    expect(result.report.bump).toBe("patch");
    expect(result.report.operations.changed).toEqual([]);
    expect(result.report.docs).toEqual([
      { where: "POST /v2/flowControl/{flowControlKey}/pause", message: "description changed" },
      {
        where: "POST /v2/flowControl/{flowControlKey}/pause path parameter `flowControlKey`",
        message: "description changed",
      },
    ]);
    expect(result.changeset?.content).toMatch(/^---\n"@qstash-flow\/types": patch\n---\n/);
    expect(result.text).toContain("**Documentation only**");
  });

  test("a plain YAML or JSON document works as a source", async () => {
    const ws = await workspace();
    const yaml = await ws.run(pages({ "qstash.yaml": ["pause.yaml"] }));
    expect(yaml.report.bump).toBeNull();
    expect(yaml.files).toEqual([]);
    const json = await ws.run(pages({ "qstash.yaml": ["pause.json"] }));
    expect(json.report.bump).toBeNull();
    expect(json.changeset).toBeNull();
  });

  test("--dry-run reports and returns the changeset but writes nothing", async () => {
    const ws = await workspace();
    const before = await ws.snapshot();
    const result = await ws.run(pages({ "workflow.yaml": ["resume.md"] }), { dryRun: true });
    expect(result.report.bump).toBe("major");
    expect(result.changeset?.content).toContain('"@qstash-flow/types": major');
    expect(result.files).toContain(join(ws.openapiDir, "workflow.yaml"));
    expect(await ws.snapshot()).toEqual(before);
  });
});

describe("failures write nothing", () => {
  test("a page without the OpenAPI yaml block", async () => {
    const ws = await workspace();
    const before = await ws.snapshot();
    const error = await ws.run(pages({ "qstash.yaml": ["pause-no-yaml.md"] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecSourceError);
    expect((error as Error).message).toContain("pause-no-yaml.md has no OpenAPI document");
    expect(await ws.snapshot()).toEqual(before);
  });

  test("pages of one file that differ outside their paths", async () => {
    const ws = await workspace();
    const before = await ws.snapshot();
    const error = await ws.run(pages({ "workflow.yaml": ["resume-v2.1.md", "unpin.md"] })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/openapi\/workflow\.yaml: its sources differ outside `paths` \(in info\)/);
    expect(await ws.snapshot()).toEqual(before);
  });

  test("new specs that no longer merge with the rest", async () => {
    const ws = await workspace();
    const before = await ws.snapshot();
    // the supplement defines GET /v2/flowControl/{flowControlKey}; a vendored file now does too, differently
    const conflicting = (await readFile(ws.page("pause.md"), "utf8")).replace(
      "  /v2/flowControl/{flowControlKey}/pause:\n    post:",
      "  /v2/flowControl/{flowControlKey}:\n    get:",
    );
    await writeFile(ws.page("conflict.md"), conflicting);
    const error = await ws.run(pages({ "qstash.yaml": ["conflict.md"] })).catch((e: unknown) => e);
    expect((error as Error).message).toContain("The updated specs do not generate");
    expect((error as Error).message).toContain("GET /v2/flowControl/{flowControlKey} is defined differently");
    delete before["pages/conflict.md"];
    const after = await ws.snapshot();
    delete after["pages/conflict.md"];
    expect(after).toEqual(before);
  });

  test("a write that fails half-way puts every file back", async () => {
    const ws = await workspace();
    const spec = await readFile(join(ws.openapiDir, "workflow.yaml"), "utf8");
    // the generated folder is a file now, so regeneration fails after the specs were replaced
    const outDir = join(ws.openapiDir, "merge.yaml");
    const error = await ws.run(pages({ "workflow.yaml": ["resume.md"] }), { outDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(await readFile(join(ws.openapiDir, "workflow.yaml"), "utf8")).toBe(spec);
    expect(await ws.changesets()).toEqual([]);
  });
});
