// One build; what carries the requests is picked where the package runs, through the
// `#send` import (package.json "imports"): Node's own HTTP in Node, nothing of its own
// (so fetch) everywhere else. A bundle for the browser must not even see `node:` imports.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, test, vi } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function resolveInNode(kind: "import" | "require"): string {
  const script =
    kind === "import" ? 'console.log(import.meta.resolve("#send"))' : 'console.log(require.resolve("#send"))';
  const args = kind === "import" ? ["--input-type=module", "-e", script] : ["-e", script];
  return execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" }).trim();
}

test("Node resolves #send to its own HTTP, for import and for require", () => {
  expect(resolveInNode("import")).toMatch(/\/dist\/send-node\.js$/);
  expect(resolveInNode("require")).toMatch(/\/dist\/send-node\.cjs$/);
});

async function bundle(platform: "browser" | "neutral" | "node", conditions: string[] = []) {
  const imported: string[] = [];
  const result = await build({
    stdin: { contents: 'export { createQStashTransport } from "@qstash-flow/fetch";', resolveDir: root },
    bundle: true,
    platform,
    ...(conditions.length && { conditions }),
    format: "esm",
    external: ["openapi-fetch"],
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [
      {
        name: "record-node-imports",
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /^node:/ }, (args) => {
            imported.push(args.path);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  const ours = Object.keys(result.metafile.inputs).filter((input) => input.startsWith("dist/"));
  return { ours, imported };
}

test.each([
  ["browser", []],
  ["neutral", []],
  ["neutral", ["worker"]],
  ["neutral", ["deno"]],
  ["neutral", ["bun"]],
] as const)("a bundle for the %s platform %j carries fetch only, no node: import", async (platform, conditions) => {
  const { ours, imported } = await bundle(platform, [...conditions]);
  expect(ours).toContain("dist/send-default.js");
  expect(ours).not.toContain("dist/send-node.js");
  expect(imported).toEqual([]);
});

test("a bundle for Node carries Node's own HTTP", async () => {
  const { ours, imported } = await bundle("node");
  expect(ours).toContain("dist/send-node.js");
  expect(imported.sort()).toEqual(["node:http", "node:https", "node:timers", "node:zlib"]);
});

test.each([
  // By URL: typechecking runs before the build.
  ["module", () => import(new URL("../dist/send-node.js", import.meta.url).href)],
  // The CommonJS build reads Node's timers through a `require` of its own.
  ["CommonJS", async () => createRequire(import.meta.url)("../dist/send-node.cjs")],
])(
  "in the %s build, under a test's fake timers each attempt gets a fake timer of its own, which the fake clock fires",
  async (_, load) => {
    const { startTimer } = await load();
    // Kept from Node's own timers before the fake clock came: not to be re-armed under it.
    startTimer(1_009, () => {})();
    vi.useFakeTimers();
    try {
      let fired = false;
      const stop = startTimer(1_009, () => {
        fired = true;
      });
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(1_009);
      expect(fired).toBe(true);
      stop();
      startTimer(1_009, () => {})();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  },
);
