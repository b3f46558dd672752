import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { publishedPackages } from "../scripts/packages.mjs";
import { runOk } from "./run.ts";
import { GIT_USER } from "./workspace-copy.ts";

export interface Released {
  name: string;
  folder: string;
  before: string;
  version: string;
}

export interface Release {
  packages: Released[];
  /** What `changeset version` wrote into the first package's changelog. */
  changelog: string;
  publishOutput: string;
  tags: string[];
}

// Pending changesets come and go with real releases; this one makes sure there is
// always something to release, so the flow is exercised whatever is pending.
function e2eChangeset(names: string[]): string {
  const lines = names.map((name) => `"${name}": patch`).join("\n");
  return `---\n${lines}\n---\n\nRelease rehearsal by the end-to-end suite.\n`;
}

/**
 * The real release flow on a workspace copy: `changeset version`, `pnpm build`, then
 * `changeset publish` (which runs `pnpm publish` per package) against `env`'s registry.
 */
export async function versionAndPublish(copy: string, env: NodeJS.ProcessEnv): Promise<Release> {
  const before = publishedPackages(copy);
  await writeFile(join(copy, ".changeset", "e2e-rehearsal.md"), e2eChangeset(before.map((pkg) => pkg.name)));
  const changeset = join(copy, "node_modules", "@changesets", "cli", "bin.js");
  const options = { cwd: copy, env, timeout: 180_000 };

  await runOk("node", [changeset, "version"], options);
  await runOk("git", ["add", "-A"], options);
  await runOk("git", [...GIT_USER, "commit", "-q", "-m", "version packages"], options);
  // Built after versioning, as a real release must: a build may bake the version in.
  await runOk("pnpm", ["run", "build"], { ...options, timeout: 300_000 });
  const published = await runOk("node", [changeset, "publish"], options);

  const after = new Map(publishedPackages(copy).map((pkg) => [pkg.name, pkg.manifest.version as string]));
  const packages = before.map((pkg) => ({
    name: pkg.name,
    folder: pkg.folder,
    before: pkg.manifest.version as string,
    version: after.get(pkg.name) ?? "",
  }));
  const first = before[0];
  const changelog = first ? await readFile(join(first.dir, "CHANGELOG.md"), "utf8") : "";
  const { stdout: tags } = await runOk("git", ["tag", "--list"], options);
  return {
    packages,
    changelog,
    publishOutput: `${published.stdout}${published.stderr}`,
    tags: tags.split("\n").filter(Boolean),
  };
}
