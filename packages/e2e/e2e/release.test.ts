import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import "./context.ts";

const { registryUrl, consumerDir, release, installed } = inject("e2e");

const newer = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if ((x?.[i] ?? 0) !== (y?.[i] ?? 0)) return (x?.[i] ?? 0) > (y?.[i] ?? 0);
  return false;
};

async function registryDocument(name: string) {
  // Scoped names go to the registry as one segment: "@scope%2fname".
  const response = await fetch(new URL(encodeURIComponent(name).replace(/^%40/, "@"), registryUrl));
  expect(response.status, name).toBe(200);
  return (await response.json()) as { "dist-tags": Record<string, string>; versions: Record<string, unknown> };
}

describe("changeset version, then changeset publish, to a local registry", () => {
  it("releases every published package, each at a new version", () => {
    expect(release.packages.map((pkg) => pkg.name)).toEqual(
      expect.arrayContaining(["@qstash-flow/types", "@qstash-flow/fetch", "@qstash-flow/flow-control"]),
    );
    for (const pkg of release.packages) expect(newer(pkg.version, pkg.before), pkg.name).toBe(true);
  });

  it("the registry serves exactly those versions as latest", async () => {
    for (const pkg of release.packages) {
      const document = await registryDocument(pkg.name);
      expect(document["dist-tags"].latest, pkg.name).toBe(pkg.version);
      expect(Object.keys(document.versions), pkg.name).toEqual([pkg.version]);
    }
  });

  it("writes changelogs and tags the release", () => {
    expect(release.changelog).toContain("Release rehearsal by the end-to-end suite.");
    expect(release.tags).toEqual(expect.arrayContaining(release.packages.map((pkg) => `${pkg.name}@${pkg.version}`)));
  });
});

describe("a consumer installs from the registry with npm", () => {
  it("gets the released versions, downloaded from the local registry", async () => {
    const lock = JSON.parse(await readFile(join(consumerDir, "package-lock.json"), "utf8"));
    const ours = Object.entries(lock.packages as Record<string, { version: string; resolved: string }>).filter(
      ([path]) => path.includes("node_modules/@qstash-flow/"),
    );
    expect(ours.length).toBeGreaterThanOrEqual(3);
    for (const [path, entry] of ours) {
      const name = path.slice(path.lastIndexOf("@qstash-flow/"));
      expect(entry.version, name).toBe(release.packages.find((pkg) => pkg.name === name)?.version);
      expect(new URL(entry.resolved).origin, name).toBe(new URL(registryUrl).origin);
    }
    expect(installed["@qstash-flow/flow-control"]).toBeDefined();
  });

  it("gets manifests whose workspace and catalog links became version ranges", async () => {
    let checked = 0;
    for (const pkg of release.packages) {
      const path = join(consumerDir, "node_modules", ...pkg.name.split("/"), "package.json");
      const manifest = await readFile(path, "utf8").catch(() => null);
      if (manifest === null) continue; // a published package that nothing here installs
      expect(manifest, pkg.name).not.toMatch(/"(workspace|catalog):/);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});
