// The release test and the package checks find published packages by themselves; this
// test makes sure turbo also builds each of them before those run, which it does only
// for this package's dependencies.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { publishedPackages, workspacePackages } from "../scripts/packages.mjs";

const own = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

describe("published packages", () => {
  const published = publishedPackages();

  it("are found, and private ones are not among them", () => {
    const names = published.map((pkg) => pkg.name);
    expect(names).toEqual(
      expect.arrayContaining(["@qstash-flow/types", "@qstash-flow/fetch", "@qstash-flow/flow-control"]),
    );
    for (const pkg of workspacePackages().filter((p) => p.manifest.private === true)) {
      expect(names).not.toContain(pkg.name);
    }
  });

  it("are each a workspace dependency of this package, so turbo builds them first", () => {
    const missing = published.map((pkg) => pkg.name).filter((name) => own.devDependencies?.[name] !== "workspace:^");
    expect(missing, `add these to packages/e2e devDependencies as "workspace:^"`).toEqual([]);
  });
});
