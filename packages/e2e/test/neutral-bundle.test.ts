// The wrapper, the typed client and the transport must run where there is no Node: browsers, workers,
// edge runtimes. esbuild's neutral platform treats no module as built in, so bundling
// the built packages proves it; the plugin names every Node built-in that sneaks in.
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";

const resolveDir = fileURLToPath(new URL("..", import.meta.url));
const builtins = new Set(builtinModules);

function isBuiltin(specifier: string): boolean {
  if (specifier.startsWith("node:")) return true;
  return builtins.has(specifier) || builtins.has(specifier.split("/")[0] ?? "");
}

async function bundleNeutral(source: string, minify = false) {
  const found: string[] = [];
  const detectBuiltins: Plugin = {
    name: "detect-builtins",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        found.push(`${args.path} (imported by ${args.importer || "the entry"})`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    stdin: { contents: source, resolveDir, loader: "js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    logLevel: "silent",
    minify,
    plugins: [detectBuiltins],
  });
  return { found, code: result.outputFiles[0]?.text ?? "" };
}

describe("bundling for a neutral platform", () => {
  it.each([
    ["@qstash-flow/flow-control", ["FlowControl"]],
    ["@qstash-flow/flow-control", ["createQStashTransport", "pause"]],
    ["@qstash-flow/fetch", ["createQStashClient"]],
    ["@qstash-flow/fetch", ["createQStashTransport"]],
  ])("%s imports no Node built-in (%j)", async (name, exports) => {
    const { found, code } = await bundleNeutral(`export { ${exports.join(", ")} } from "${name}";`);
    expect(found).toEqual([]);
    // Proof the bundle holds the real package, not an empty module.
    for (const exported of exports) expect(code).toMatch(new RegExp(`export \\{[^}]*\\b${exported}\\b`));
    expect(code.length).toBeGreaterThan(5_000);
  });

  it("minified, every error class still knows its own name", async () => {
    const names = [
      "QStashError",
      "ValidationError",
      "ConnectionError",
      "TimeoutError",
      "AbortError",
      "APIError",
      "BadRequestError",
      "AuthenticationError",
      "PermissionDeniedError",
      "NotFoundError",
      "RateLimitError",
      "InternalServerError",
    ];
    const { code } = await bundleNeutral(
      `import * as api from "@qstash-flow/flow-control";
      export const seen = ${JSON.stringify(names)}.map((name) =>
        new api[name]("x", { status: 500, headers: new Headers(), body: undefined }).name);`,
      true,
    );
    // The minifier renamed the classes: the names must come from the code, not from them.
    expect(code).not.toMatch(/class InternalServerError\b/);
    const module = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
    expect(module.seen).toEqual(names);
  });

  it("the check itself catches built-ins, with and without the node: prefix", async () => {
    const { found } = await bundleNeutral(`import "node:fs"; import "http"; import "fs/promises";`);
    expect(found.map((entry) => entry.split(" ")[0])).toEqual(["node:fs", "http", "fs/promises"]);
  });
});
