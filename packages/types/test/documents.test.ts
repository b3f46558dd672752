import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { combineDocuments, extractDocuments } from "../scripts/internal/documents.mjs";

const fixtures = join(import.meta.dirname, "fixtures/spec-update");
const page = (name: string) => readFile(join(fixtures, "pages", name), "utf8");
const spec = (name: string) => readFile(join(fixtures, "openapi", name), "utf8");
const parts = async (...names: string[]) =>
  (await Promise.all(names.map(async (n) => extractDocuments(await page(n), n)))).flat();

describe("reading upstream pages", () => {
  test("one page gives upstream's YAML block unchanged", async () => {
    expect(combineDocuments("qstash.yaml", await parts("pause.md"))).toBe(await spec("qstash.yaml"));
  });

  test("two pages give one document with both paths, in upstream's own formatting", async () => {
    expect(combineDocuments("workflow.yaml", await parts("resume.md", "unpin.md"))).toBe(await spec("workflow.yaml"));
  });

  test("a JSON document becomes YAML describing the same thing", async () => {
    const text = combineDocuments("qstash.yaml", await parts("pause.json"));
    expect(parse(text)).toEqual(parse(await spec("qstash.yaml")));
  });

  test("any fence works, and a yaml block that is not OpenAPI is skipped", () => {
    const body = "# Page\n\n```yaml\nnot: openapi\n```\n\n~~~yml\nopenapi: 3.1.0\npaths: {}\n~~~\n";
    expect(extractDocuments(body, "p.md").map((d) => d.doc)).toEqual([{ openapi: "3.1.0", paths: {} }]);
  });

  test("pages without an OpenAPI document fail with a message naming the page", () => {
    expect(() => extractDocuments("```yaml\ntitle: x\n```\n", "a.md")).toThrow(
      'a.md has ```yaml blocks, but none is an OpenAPI document (no "openapi" key)',
    );
    expect(() => extractDocuments("<!doctype html><html></html>", "b.html")).toThrow("b.html has no OpenAPI document");
    expect(() => extractDocuments("````yaml\nopenapi: [\n````\n", "c.md")).toThrow(
      "c.md (yaml block 1) is not valid YAML",
    );
    expect(() => extractDocuments('{"title": "x"}', "d.json")).toThrow("d.json is JSON but not an OpenAPI document");
  });

  test("two pages defining the same operation differently cannot be combined", async () => {
    const [resume] = await parts("resume.md");
    const other = structuredClone(resume!);
    other.text = null;
    other.location = "other.md";
    other.doc.paths["/v2/flowControl/{flowControlKey}/resume"].post.summary = "Something else";
    expect(() => combineDocuments("workflow.yaml", [resume!, other])).toThrow(
      "openapi/workflow.yaml: POST /v2/flowControl/{flowControlKey}/resume is defined differently in resume.md and other.md",
    );
    // the same definition twice is fine
    expect(parse(combineDocuments("workflow.yaml", [resume!, { ...resume!, location: "again.md" }]))).toEqual(
      resume!.doc,
    );
  });
});
