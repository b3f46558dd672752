import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ts from "typescript";

/** The ```ts blocks of a Markdown file, in order. */
export function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1] as string);
}

/**
 * Type-checks every ```ts block of `readme` (default `<packageDir>/README.md`) as a module inside the
 * package (so it imports the package by its own name, through its `exports`), with the
 * package's tsconfig. Returns the diagnostics; an empty list means every example compiles.
 */
export async function typecheckReadme(
  packageDir: string,
  readme = join(packageDir, "README.md"),
): Promise<{ blocks: number; diagnostics: string[] }> {
  const blocks = codeBlocks(await readFile(readme, "utf8"));
  const dir = join(packageDir, ".readme-check");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const files = await Promise.all(
      blocks.map(async (code, i) => {
        const file = join(dir, `example-${i + 1}.ts`);
        await writeFile(file, `${code}\nexport {};\n`);
        return file;
      }),
    );
    const configFile = ts.readConfigFile(join(packageDir, "tsconfig.json"), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, packageDir);
    const program = ts.createProgram(files, { ...options, noEmit: true, noUnusedLocals: false });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) =>
      ts.formatDiagnostic(d, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => packageDir,
        getNewLine: () => "\n",
      }),
    );
    return { blocks: blocks.length, diagnostics };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
