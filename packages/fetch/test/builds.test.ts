// The package ships two builds of one source (tsup.config.ts): Node resolves the one under
// dist/node, whose attempts share deadline signals; everything else gets the default one,
// with a signal per attempt and none of the sharing code.
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const SHARING = "sharedDeadline";

function resolveInNode(kind: "import" | "require"): string {
  const script =
    kind === "import"
      ? 'console.log(import.meta.resolve("@qstash-flow/fetch"))'
      : 'console.log(require.resolve("@qstash-flow/fetch"))';
  const args = kind === "import" ? ["--input-type=module", "-e", script] : ["-e", script];
  return execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" }).trim();
}

test("Node resolves the Node build, for import and for require", () => {
  expect(resolveInNode("import")).toMatch(/\/dist\/node\/index\.js$/);
  expect(resolveInNode("require")).toMatch(/\/dist\/node\/index\.cjs$/);
});

test("only the Node build carries the shared deadlines", async () => {
  for (const file of ["dist/node/index.js", "dist/node/index.cjs"]) {
    expect(await readFile(`${root}/${file}`, "utf8")).toContain(SHARING);
  }
  for (const file of ["dist/index.js", "dist/index.cjs"]) {
    expect(await readFile(`${root}/${file}`, "utf8")).not.toContain(SHARING);
  }
});

test.each([
  ["browser", "dist/index.js"],
  ["neutral", "dist/index.js"],
  ["node", "dist/node/index.js"],
] as const)("a bundle for the %s platform gets %s", async (platform, expected) => {
  const result = await build({
    stdin: { contents: 'export { createQStashTransport } from "@qstash-flow/fetch";', resolveDir: root },
    bundle: true,
    platform,
    format: "esm",
    external: ["openapi-fetch"],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const ours = Object.keys(result.metafile.inputs).filter((input) => input.startsWith("dist/"));
  expect(ours).toEqual([expected]);
});
