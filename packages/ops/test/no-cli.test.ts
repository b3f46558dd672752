import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
/** What only a command line needs: none of it may reach a service that plans. */
const CLI_ONLY = ["@qstash-flow/cli", "@qstash-flow/dev-server", "commander", "@inquirer/confirm", "string-width"];

/**
 * The files a service made of `source` loads when it starts, importing the package by its
 * name: what a bundler takes in through static imports (a dynamic import, such as the
 * exporter's `import("prom-client")`, is loaded only when called).
 */
async function loadedAtStart(source: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: source, resolveDir: PACKAGE_DIR, loader: "js" },
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    logLevel: "silent",
  });
  const { inputs } = result.metafile;
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const { path, kind } of inputs[file]?.imports ?? []) if (kind !== "dynamic-import") visit(path);
  };
  visit("<stdin>");
  return [...loaded];
}

/** Every package `name` installs, by its package.json's dependencies (peers are the user's choice). */
function installed(dir: string, seen = new Set<string>()): Set<string> {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const require = createRequire(join(dir, "package.json"));
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (seen.has(name)) continue;
    seen.add(name);
    installed(dirname(require.resolve(`${name}/package.json`)), seen);
  }
  return seen;
}

describe("a service that imports planDesiredState", () => {
  it("loads the library and the client, and no CLI code nor prom-client", async () => {
    const inputs = await loadedAtStart(
      'import { planDesiredState } from "@qstash-flow/ops"; export { planDesiredState };',
    );
    // The check sees what it must: the package itself and the client it plans with.
    expect(inputs).toContain("dist/index.js");
    expect(inputs.some((file) => /flow-control\/dist\/index\.js$/.test(file))).toBe(true);
    // Workspace packages come in by their folders, installed ones by node_modules.
    const cliCode = inputs.filter(
      (file) =>
        /(^|\/)(cli|dev-server)\/(dist|src)\//.test(file) ||
        [...CLI_ONLY, "prom-client"].some((name) => file.includes(`node_modules/${name}/`)),
    );
    expect(cliCode).toEqual([]);
  });

  it("installs none of the CLI's dependencies", () => {
    const names = installed(PACKAGE_DIR);
    expect(names).toContain("@qstash-flow/flow-control");
    expect(names).toContain("yaml");
    for (const name of [...CLI_ONLY, "prom-client"]) expect(names, name).not.toContain(name);
  });
});
