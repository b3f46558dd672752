import { describe, expect, test } from "vitest";
import { bigSpec, countOperations } from "./big-spec.mjs";
import { measureCodegen } from "./codegen.mjs";

describe("the synthetic spec", () => {
  test.each([1, 7, 500])("has exactly %i operations", (operations) => {
    expect(countOperations(bigSpec(operations))).toBe(operations);
  });

  test("every $ref points at a schema it defines", () => {
    const doc = bigSpec(50);
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    for (const name of refs) expect(doc.components.schemas).toHaveProperty(name!);
  });
});

describe("the code generation benchmark", () => {
  test("renders the vendored specs and a synthetic one", async () => {
    const result = await measureCodegen({ operations: 8, runs: 1 });
    expect(result.vendored.files).toBeGreaterThan(0);
    expect(result.vendored.runs).toHaveLength(1);
    expect(result.large.operations).toBe(8);
    expect(result.large.bytes).toBeGreaterThan(0);
  });
});
