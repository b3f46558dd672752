// Type-checks the packages built on the generated types against freshly generated ones,
// before anything is written, and maps each compile error back to the operation whose
// call it is in: `client.POST("/v2/flowControl/{flowControlKey}/pause", ...)` names both.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import ts from "typescript";

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"];
const UNUSED_EXPECT_ERROR = 2578;

/**
 * @typedef {{ operation: string | null, candidates: string[], file: string | null, line: number,
 *   code: number, message: string }} Breakage
 */

/** Workspace packages by name -> their TypeScript entry, so imports see today's sources, not stale builds. */
async function workspaceSources(packagesDir) {
  /** @type {Record<string, string[]>} */
  const paths = {};
  for (const entry of await readdir(packagesDir, { withFileTypes: true })) {
    const dir = join(packagesDir, entry.name);
    const index = join(dir, "src/index.ts");
    if (!entry.isDirectory() || !existsSync(index)) continue;
    try {
      const { name } = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
      if (name) paths[name] = [index];
    } catch {
      // a folder without a readable package.json is not a package
    }
  }
  return paths;
}

function literalText(node, sf) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return node.head.text + node.templateSpans.map((s) => `\${${s.expression.getText(sf)}}${s.literal.text}`).join("");
  }
  if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) return node.literal.text;
  return null;
}

function deepestNodeAt(sf, pos) {
  let found = /** @type {ts.Node} */ (sf);
  const visit = (node) => {
    if (pos >= node.getStart(sf) && pos < node.getEnd()) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  ts.forEachChild(sf, visit);
  return found;
}

/** The `client.METHOD("/path")` call or `paths["/path"]["method"]` type around a position. */
function operationAt(sf, pos) {
  for (let node = deepestNodeAt(sf, pos); node; node = node.parent) {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.arguments[0]) {
      const method = node.expression.name.text;
      const path = literalText(node.arguments[0], sf);
      if (METHODS.includes(method) && path?.startsWith("/")) return { method, path };
    }
    const index = ts.isIndexedAccessTypeNode(node)
      ? node.indexType
      : ts.isElementAccessExpression(node)
        ? node.argumentExpression
        : null;
    const path = index && literalText(index, sf);
    if (path?.startsWith("/")) {
      const outer = node.parent;
      const next =
        outer && ts.isIndexedAccessTypeNode(outer)
          ? outer.indexType
          : outer && ts.isElementAccessExpression(outer)
            ? outer.argumentExpression
            : null;
      const method = next && literalText(next, sf)?.toUpperCase();
      return { method: method && METHODS.includes(method) ? method : null, path };
    }
  }
  return null;
}

/** A `${...}` path matches several operations: list the ones it can mean. */
function expand({ method, path }, known) {
  if (!path.includes("${")) return [];
  const pattern = path
    .split(/\$\{[^}]*\}/)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  const re = new RegExp(`^${pattern}$`);
  return [...known].filter((id) => {
    const [m, p] = id.split(" ");
    return (!method || m === method) && re.test(p);
  });
}

function breakageOf(diagnostic, rootDir, known) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n").split("\n")[0];
  const { file: sf, start } = diagnostic;
  if (!sf || start === undefined)
    return { operation: null, candidates: [], file: null, line: 0, code: diagnostic.code, message };
  const { line } = sf.getLineAndCharacterOfPosition(start);
  let pos = start;
  if (diagnostic.code === UNUSED_EXPECT_ERROR) {
    // the directive is a comment: the call it was about is on the next line
    const next = sf.getLineStarts()[line + 1] ?? start;
    pos = next + (/^\s*/.exec(sf.text.slice(next))?.[0].length ?? 0);
  }
  const found = operationAt(sf, pos);
  return {
    operation: found ? [found.method, found.path].filter(Boolean).join(" ") : null,
    candidates: found ? expand(found, known) : [],
    file: relative(rootDir, sf.fileName),
    line: line + 1,
    code: diagnostic.code,
    message,
  };
}

/** "operation POST /v2/... broke <file>:<line>: <message>" */
export function formatBreakage(b) {
  const where = b.file ? `${b.file}:${b.line}` : "the build";
  const also = b.candidates.length ? ` (can be ${b.candidates.join(", ")})` : "";
  return b.operation
    ? `operation ${b.operation}${also} broke ${where}: ${b.message}`
    : `${where}: ${b.message} (no operation call found at this line)`;
}

/**
 * @param {{ generatedDir: string, packages: string[], packagesDir: string, rootDir: string,
 *   typesName: string, operations: Iterable<string> }} options
 * @returns {Promise<Breakage[]>}
 */
export async function verifyBuild({ generatedDir, packages, packagesDir, rootDir, typesName, operations }) {
  const known = new Set(operations);
  const mapped = { ...(await workspaceSources(packagesDir)), [typesName]: [join(generatedDir, "index.ts")] };
  const breakages = new Map();
  // Library and dependency files do not change between the programs: parse them once.
  const cache = new Map();
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
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, ...rest) => {
      if (!fileName.includes("/node_modules/")) return getSourceFile(fileName, ...rest);
      if (!cache.has(fileName)) cache.set(fileName, getSourceFile(fileName, ...rest));
      return cache.get(fileName);
    };
    const program = ts.createProgram({ rootNames: parsed.fileNames, options, host });
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
      const b = breakageOf(diagnostic, rootDir, known);
      breakages.set(`${b.file}:${b.line}:${b.code}:${b.message}`, b);
    }
  }
  return [...breakages.values()];
}
