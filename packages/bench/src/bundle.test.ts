import { describe, expect, test } from "vitest";
import { BUDGETS, limitBytes } from "./budgets.mjs";
import { APPS, bundleApp, OTHER_OPERATIONS, otherOperationsIn } from "./bundle.mjs";
import { BUNDLE_TARGETS } from "./targets.mjs";

const app = (id: string) => {
  const found = APPS.find((a) => a.id === id);
  if (!found) throw new Error(`no app ${id}`);
  return found;
};

describe("the pause-only app bundles", () => {
  test.each(APPS.map((a) => [a.id, a] as const))("%s bundles, minified and gzipped", async (_, { entry }) => {
    const bundle = await bundleApp(entry);
    expect(bundle.minified).toBe(Buffer.byteLength(bundle.code));
    expect(bundle.gzipped).toBeGreaterThan(0);
    expect(bundle.gzipped).toBeLessThan(bundle.minified);
    expect(bundle.code).toContain("pause");
  });

  test("the pause() function form carries no other operation", async () => {
    const bundle = await bundleApp(app("wrapper-function").entry);
    expect(otherOperationsIn(bundle.code)).toEqual([]);
    expect(bundle.inputs.map((i) => i.path)).toContain("@qstash-flow/flow-control");
  });

  test("the typed client and bare fetch forms carry no other operation", async () => {
    for (const id of ["typed", "fetch"]) {
      expect(otherOperationsIn((await bundleApp(app(id).entry)).code)).toEqual([]);
    }
  });

  test("the wrapper's forms send through the transport, without openapi-fetch", async () => {
    for (const id of ["wrapper-class", "wrapper-function"]) {
      const packages = (await bundleApp(app(id).entry)).inputs.map((i) => i.path);
      expect(packages).toContain("@qstash-flow/fetch");
      expect(packages).not.toContain("openapi-fetch");
    }
    // the typed client does carry it, so the check above can see it
    expect((await bundleApp(app("typed").entry)).inputs.map((i) => i.path)).toContain("openapi-fetch");
  });

  test("the class form carries every operation, so the check above can see them", async () => {
    const bundle = await bundleApp(app("wrapper-class").entry);
    expect(otherOperationsIn(bundle.code)).toEqual(OTHER_OPERATIONS);
  });

  test("attributes bundled bytes to packages", async () => {
    const bundle = await bundleApp(app("official").entry);
    const packages = bundle.inputs.map((i) => i.path);
    expect(packages).toContain("@upstash/qstash");
    expect(packages).toContain("(the app)");
    const sum = bundle.inputs.reduce((total, i) => total + i.bytes, 0);
    expect(sum).toBeLessThanOrEqual(bundle.minified);
  });
});

describe("the size budgets", () => {
  test("each budget checks one of the pause-only apps with a readable limit", () => {
    expect(BUDGETS.length).toBeGreaterThan(0);
    for (const budget of BUDGETS) {
      expect(APPS.some((a) => a.entry.endsWith(budget.path.replace(/^src\//, "")))).toBe(true);
      expect(limitBytes(budget.limit)).toBeGreaterThan(0);
      // Its target is the one the targets table states for the same app: one home.
      expect(BUNDLE_TARGETS[budget.target as keyof typeof BUNDLE_TARGETS], budget.name).toBeGreaterThan(0);
      expect(APPS.find((a) => a.id === budget.target)?.entry.endsWith(budget.path.replace(/^src\//, ""))).toBe(true);
    }
  });

  test("limits are read in size-limit's decimal units", () => {
    expect(limitBytes("4 kB")).toBe(4000);
    expect(limitBytes("7.5 kB")).toBe(7500);
    expect(limitBytes("900 B")).toBe(900);
    expect(() => limitBytes("4 KiB")).toThrow(/must look like/);
  });
});
