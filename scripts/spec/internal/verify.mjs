// Type-checks the packages built on the types against freshly generated ones, before
// anything is written, and names the operation whose call each error is in:
// `client.POST("/v2/...")`, `transport.request("post", "/v2/...")` or `paths["/v2/..."]["post"]`.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"];

/** Workspace packages by name -> their TypeScript entry, so imports see today's sources, not stale builds. */
function workspaceSources(packagesDir) {
  const paths = {};
  for (const name of readdirSync(packagesDir)) {
    const index = join(packagesDir, name, "src/index.ts");
    const manifest = join(packagesDir, name, "package.json");
    if (existsSync(index) && existsSync(manifest)) paths[JSON.parse(readFileSync(manifest, "utf8")).name] = [index];
  }
  return paths;
}

const text = (node) =>
  (node &&
    (ts.isStringLiteralLike(node)
      ? node.text
      : ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)
        ? node.literal.text
        : null)) ??
  null;

/** "METHOD /path" (or "/path") of the call or type around a node, or null. */
function operationAround(node) {
  for (; node; node = node.parent) {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const [first, second] = node.arguments.map(text);
      const name = node.expression.name.text;
      if (METHODS.includes(name) && first?.startsWith("/")) return `${name} ${first}`;
      if (name === "request" && METHODS.includes(first?.toUpperCase()) && second?.startsWith("/"))
        return `${first.toUpperCase()} ${second}`;
    }
    const index = ts.isIndexedAccessTypeNode(node)
      ? node.indexType
      : ts.isElementAccessExpression(node)
        ? node.argumentExpression
        : null;
    const path = text(index);
    if (path?.startsWith("/")) {
      const outer = node.parent;
      const method = text(
        ts.isIndexedAccessTypeNode(outer)
          ? outer.indexType
          : ts.isElementAccessExpression(outer)
            ? outer.argumentExpression
            : null,
      )?.toUpperCase();
      return METHODS.includes(method) ? `${method} ${path}` : path;
    }
  }
  return null;
}

function nodeAt(sf, pos) {
  let found = sf;
  const visit = (node) => {
    if (pos >= node.getStart(sf) && pos < node.getEnd()) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  ts.forEachChild(sf, visit);
  return found;
}

/** "operation POST /v2/... broke <file>:<line>: <message>" */
export const formatBreakage = (b) =>
  `${b.operation ? `operation ${b.operation} broke ` : ""}${b.file ? `${b.file}:${b.line}` : "the build"}: ${b.message}${b.operation ? "" : " (no operation call found here)"}`;

/**
 * @param {{ generatedDir: string, packages: string[], packagesDir: string, rootDir: string, typesName: string }} options
 * @returns {{ operation: string | null, file: string | null, line: number, message: string }[]}
 */
export function verifyBuild({ generatedDir, packages, packagesDir, rootDir, typesName }) {
  const mapped = { ...workspaceSources(packagesDir), [typesName]: [join(generatedDir, "index.ts")] };
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
      paths: { ...parsed.options.paths, ...mapped },
    };
    const program = ts.createProgram({ rootNames: parsed.fileNames, options });
    for (const d of ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error)) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      const operation = d.file && d.start !== undefined ? operationAround(nodeAt(d.file, d.start)) : null;
      const file = d.file ? relative(rootDir, d.file.fileName) : null;
      breakages.set(`${file}:${line}:${message}`, { operation, file, line, message });
    }
  }
  return [...breakages.values()];
}
