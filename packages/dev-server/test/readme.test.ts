import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { typecheckReadme } from "@qstash-flow/test-utils";
import { expect, test } from "vitest";

test("every TypeScript example in the README compiles against the built package", async () => {
  const { blocks, diagnostics } = await typecheckReadme(new URL("..", import.meta.url).pathname);
  expect(blocks).toBeGreaterThan(0);
  expect(diagnostics).toEqual([]);
});

test("the README's option table lists exactly the flags the bin's --help lists", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [
    fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
    "--help",
  ]);
  const flags = (text: string) => [...new Set(text.match(/--[a-z][a-z-]*/g))].sort();
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Options"), readme.indexOf("\n## ", readme.indexOf("## Options") + 1));
  const table = section
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .join("\n");
  expect(flags(table)).toEqual(flags(stdout).filter((flag) => flag !== "--help"));
});
