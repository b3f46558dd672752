import { readFile } from "node:fs/promises";
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
 * The examples exist in memory only, under names in the package's folder: nothing is written.
 */
export async function typecheckReadme(
  packageDir: string,
  readme = join(packageDir, "README.md"),
): Promise<{ blocks: number; diagnostics: string[] }> {
  const blocks = codeBlocks(await readFile(readme, "utf8"));
  const examples = new Map(
    blocks.map((code, i) => [join(packageDir, `.readme-example-${i + 1}.ts`), `${code}\nexport {};\n`]),
  );
  const configFile = ts.readConfigFile(join(packageDir, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, packageDir);
  const compilerOptions = { ...options, noEmit: true, noUnusedLocals: false };
  const host = ts.createCompilerHost(compilerOptions);
  const { fileExists, readFile: read, getSourceFile } = host;
  host.fileExists = (file) => examples.has(file) || fileExists.call(host, file);
  host.readFile = (file) => examples.get(file) ?? read.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const text = examples.get(file);
    return text === undefined
      ? getSourceFile.call(host, file, language, ...rest)
      : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram([...examples.keys()], compilerOptions, host);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) =>
    ts.formatDiagnostic(d, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => packageDir,
      getNewLine: () => "\n",
    }),
  );
  return { blocks: blocks.length, diagnostics };
}
