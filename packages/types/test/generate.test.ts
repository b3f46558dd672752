import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { checkSpecNames, generate, render } from "../scripts/generate.mjs";
import { byCodeUnits, mergeSpecs } from "../scripts/merge.mjs";

const root = join(import.meta.dirname, "../../..");
const generatedDir = join(import.meta.dirname, "../src/generated");
const agree = join(import.meta.dirname, "fixtures/merge/agree");
const temps: string[] = [];

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "qstash-flow-generate-"));
  temps.push(dir);
  return dir;
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("output order does not depend on the machine's locale", () => {
  // Czech collation treats "ch" as one letter after "h": "schemas" sorts after "securitySchemes".
  const czech = new Intl.Collator("cs").compare;

  test("the premise: a Czech collator and code units disagree on component kinds", () => {
    expect(czech("schemas", "securitySchemes")).toBeGreaterThan(0);
    expect(byCodeUnits("schemas", "securitySchemes")).toBeLessThan(0);
    expect(["securitySchemes", "schemas", "Zeta", "alpha"].sort(byCodeUnits)).toEqual([
      "Zeta",
      "alpha",
      "schemas",
      "securitySchemes",
    ]);
  });

  test("mergeSpecs orders paths and components by code units, whatever localeCompare says", () => {
    // what String#localeCompare does on a machine with LC_ALL=cs_CZ.UTF-8
    vi.spyOn(String.prototype, "localeCompare").mockImplementation(function (this: string, other: string) {
      return czech(String(this), other);
    });
    const op = { responses: { "200": { description: "ok" } } };
    const merged = mergeSpecs([
      {
        file: "a.yaml",
        doc: {
          paths: {
            "/v2/chyba": { get: op },
            "/v2/hlava": { get: op },
            "/v2/Zed": { get: op },
            "/v2/apple": { get: op },
          },
          components: {
            securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
            schemas: { chyba: { type: "string" }, hlava: { type: "string" }, Zeta: { type: "string" } },
          },
        },
      },
    ]);
    expect(Object.keys(merged.paths)).toEqual(["/v2/Zed", "/v2/apple", "/v2/chyba", "/v2/hlava"]);
    expect(Object.keys(merged.components)).toEqual(["schemas", "securitySchemes"]);
    expect(Object.keys(merged.components.schemas ?? {})).toEqual(["Zeta", "chyba", "hlava"]);
  });

  test("`generate.mjs --check` passes under LC_ALL=cs_CZ.UTF-8", () => {
    const result = spawnSync(process.execPath, [join(import.meta.dirname, "../scripts/generate.mjs"), "--check"], {
      encoding: "utf8",
      env: { ...process.env, LC_ALL: "cs_CZ.UTF-8", LANG: "cs_CZ.UTF-8" },
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("Generated types are up to date.");
    expect(result.status).toBe(0);
  });
});

describe("line endings", () => {
  test("the drift check accepts a CRLF checkout of the generated files", async () => {
    const outDir = await tempDir();
    for (const name of await readdir(generatedDir)) {
      const text = await readFile(join(generatedDir, name), "utf8");
      await writeFile(join(outDir, name), text.replace(/\n/g, "\r\n"));
    }
    expect(await readFile(join(outDir, "combined.ts"), "utf8")).toContain("\r\n");
    expect((await generate({ outDir, check: true })).stale).toEqual([]);
  });

  test("a CRLF copy with a real change is still stale", async () => {
    const outDir = await tempDir();
    await cp(generatedDir, outDir, { recursive: true });
    const file = join(outDir, "combined.ts");
    await writeFile(file, `${(await readFile(file, "utf8")).replace(/\n/g, "\r\n")}// edited\r\n`);
    expect((await generate({ outDir, check: true })).stale).toEqual(["combined.ts"]);
  });

  test(".gitattributes keeps the generated files LF in every checkout", async () => {
    const lines = (await readFile(join(root, ".gitattributes"), "utf8")).split(/\r?\n/).map((l) => l.trim());
    expect(lines).toContain("packages/types/src/generated/** text eol=lf");
  });
});

describe("spec file names that would overwrite generated files", () => {
  async function specsNamed(...names: string[]) {
    const dir = await tempDir();
    const spec = await readFile(join(agree, "a.yaml"), "utf8");
    for (const name of names) await writeFile(join(dir, name), spec);
    return dir;
  }

  test.each(["combined.yaml", "index.yaml"])("a spec named %s fails generation, naming the file", async (name) => {
    const error = await render({ specDir: await specsNamed("qstash.yaml", name) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(
      `openapi/${name} would generate src/generated/${name.replace(".yaml", ".ts")}`,
    );
  });

  test("two specs generating the same namespace fail, naming both", async () => {
    const dir = await specsNamed("flow-control.yaml", "flow_control.yaml");
    await expect(render({ specDir: dir })).rejects.toThrow(
      "openapi/flow-control.yaml and openapi/flow_control.yaml would both be exported as FlowControlSpec",
    );
  });

  test("two specs whose generated files differ only in case fail, naming both", () => {
    expect(() => checkSpecNames(["Qstash.yaml", "qstash.yaml"])).toThrow(
      "openapi/Qstash.yaml and openapi/qstash.yaml would both generate src/generated/qstash.ts",
    );
  });

  test("the real specs pass", () => {
    expect(() => checkSpecNames(["flow-control.yaml", "qstash.yaml", "workflow.yaml"])).not.toThrow();
  });
});
