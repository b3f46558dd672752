// Type-checks the packages built on the types against freshly generated ones, before
// anything is written. TypeScript's diagnostics give file and line; the operation is read
// from the call or index access around the error.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { METHODS } from "./openapi.mjs";

// How the packages name an operation: client.POST("/p"), transport.request("post", "/p"), paths["/p"]["post"].
const METHOD = String.raw`(?<mq>["']?)(?<method>${METHODS.join("|").toUpperCase()})\k<mq>`;
const PATH = String.raw`(?<q>["'])(?<path>\/[^"'\`]*)\k<q>`;
const NAMED = [
  new RegExp(String.raw`^\.${METHOD}\(${PATH}`),
  new RegExp(String.raw`^\.request\(${METHOD}, ${PATH}`, "i"),
  new RegExp(String.raw`^[\w$.]*\[\s*${PATH}\s*\](?:\s*\[\s*${METHOD}\s*\])?`, "i"),
];

/** A call as `.name(args)`, the outermost of chained index accesses as written; else "". */
const head = (node, sf) => {
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression))
    return `.${node.expression.name.text}(${node.arguments.map((a) => a.getText(sf)).join(", ")})`;
  const access = (n) => ts.isElementAccessExpression(n) || ts.isIndexedAccessTypeNode(n);
  return access(node) && !access(node.parent) ? node.getText(sf) : "";
};

/** "METHOD /path" (or "/path") of the innermost call or index access around `pos`, or null. */
function operationAt(sf, pos) {
  // getTokenAtPosition is TypeScript's own, public at run time though not in its declarations
  const tokenAt = /** @type {any} */ (ts).getTokenAtPosition;
  for (let node = tokenAt(sf, pos); node; node = node.parent) {
    const found = NAMED.map((re) => re.exec(head(node, sf))?.groups).find(Boolean);
    if (found) return [found.method?.toUpperCase(), found.path].filter(Boolean).join(" ");
  }
  return null;
}

/** "operation POST /v2/... broke <file>:<line>: <message>" */
export const formatBreakage = (b) =>
  `${b.operation ? `operation ${b.operation} broke ` : ""}${b.file ? `${b.file}:${b.line}` : "the build"}: ${b.message}${b.operation ? "" : " (no operation call found here)"}`;

/**
 * @param {{ generatedDir: string, packages: string[], packagesDir: string, typesName: string }} options
 *   files are named from the folder holding `packagesDir`
 * @returns {{ operation: string | null, file: string | null, line: number, message: string }[]}
 */
export function verifyBuild({ generatedDir, packages, packagesDir, typesName }) {
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
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      const file = d.file ? relative(dirname(packagesDir), d.file.fileName) : null;
      breakages.set(`${file}:${line}:${message}`, {
        operation: d.file && d.start !== undefined ? operationAt(d.file, d.start) : null,
        file,
        line,
        message,
      });
    }
  }
  return [...breakages.values()];
}
