// Type-checks the packages built on the types against freshly generated ones, before
// anything is written. TypeScript's diagnostics give file and line; the operation is read
// from the call, type or index around the error, as the packages name one.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

// client.POST("/p"), transport.request("post", "/p"), paths["/p"]["post"]
const NAMED = [
  /^[\w$.?!]*\.(?<method>GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE)\(\s*(["'])(?<path>\/[^"'`]*)\2/,
  /^[\w$.?!]*\.request\(\s*(["'])(?<method>\w+)\1\s*,\s*(["'])(?<path>\/[^"'`]*)\3/,
  /^[\w$.]*\[\s*(["'])(?<path>\/[^"'`]*)\1\s*\](?:\s*\[\s*(["'])(?<method>\w+)\3\s*\])?$/,
];

/** "METHOD /path" (or "/path") of the innermost call or indexed access around `pos`, or null. */
function operationAt(sf, pos) {
  for (let node = ts.getTokenAtPosition(sf, pos); node && !ts.isSourceFile(node); node = node.parent) {
    // paths["/p"]["post"]: the outer access names the method
    if (ts.isElementAccessExpression(node.parent) || ts.isIndexedAccessTypeNode(node.parent)) continue;
    const found = NAMED.map((re) => re.exec(node.getText(sf))?.groups).find(Boolean);
    if (found) return [found.method?.toUpperCase(), found.path].filter(Boolean).join(" ");
  }
  return null;
}

/** "operation POST /v2/... broke <file>:<line>: <message>" */
export const formatBreakage = (b) =>
  `${b.operation ? `operation ${b.operation} broke ` : ""}${b.file ? `${b.file}:${b.line}` : "the build"}: ${b.message}${b.operation ? "" : " (no operation call found here)"}`;

/**
 * @param {{ generatedDir: string, packages: string[], packagesDir: string, rootDir: string, typesName: string }} options
 * @returns {{ operation: string | null, file: string | null, line: number, message: string }[]}
 */
export function verifyBuild({ generatedDir, packages, packagesDir, rootDir, typesName }) {
  // Workspace imports see today's sources, not stale builds; the types are the new ones.
  const paths = { [typesName]: [join(generatedDir, "index.ts")] };
  for (const dir of readdirSync(packagesDir).map((name) => join(packagesDir, name))) {
    if (!existsSync(join(dir, "src/index.ts")) || !existsSync(join(dir, "package.json"))) continue;
    const { name } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    paths[name] ??= [join(dir, "src/index.ts")];
    paths[`${name}/*`] = [join(dir, "src/*.ts")];
  }
  const breakages = new Map();
  for (const dir of packages) {
    const configPath = join(dir, "tsconfig.json");
    const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
    if (error)
      throw new Error(`Cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir, undefined, configPath);
    const options = {
      ...parsed.options,
      noEmit: true,
      incremental: false,
      paths: { ...parsed.options.paths, ...paths },
    };
    const program = ts.createProgram({ rootNames: parsed.fileNames, options });
    for (const d of ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error)) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];
      const at = d.file && d.start !== undefined;
      const line = at ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      const file = d.file ? relative(rootDir, d.file.fileName) : null;
      breakages.set(`${file}:${line}:${message}`, {
        operation: at ? operationAt(d.file, d.start) : null,
        file,
        line,
        message,
      });
    }
  }
  return [...breakages.values()];
}
