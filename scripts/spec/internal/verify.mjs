// Type-checks the packages built on the generated types against freshly generated ones,
// before anything is written, and maps each compile error back to the operation whose
// call it is in: `client.POST("/v2/flowControl/{flowControlKey}/pause", ...)` and
// `transport.request("post", "/v2/flowControl/{flowControlKey}/pause", ...)` name both.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import ts from "typescript";

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"];
const UNUSED_EXPECT_ERROR = 2578;

/**
 * @typedef {{ operation: string | null, candidates: string[], missing: string[], file: string | null,
 *   line: number, code: number, message: string }} Breakage
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

/**
 * The `client.METHOD("/path")` or `transport.request("method", "/path")` call, or the
 * `paths["/path"]["method"]` type, around a position.
 */
function operationAt(sf, pos) {
  for (let node = deepestNodeAt(sf, pos); node; node = node.parent) {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.arguments[0]) {
      const name = node.expression.name.text;
      const [first, second] = node.arguments;
      const path = literalText(first, sf);
      if (METHODS.includes(name) && path?.startsWith("/")) return { method: name, path, node: first };
      const method = name === "request" ? literalText(first, sf)?.toUpperCase() : undefined;
      const requestPath = method && second && literalText(second, sf);
      if (method && METHODS.includes(method) && requestPath?.startsWith("/")) {
        return { method, path: requestPath, node: second };
      }
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

/**
 * The operations a `${...}` path can be: from the literal types the checker gives the
 * argument, else by matching the template against every known operation.
 */
function expand({ method, path, node }, checker, known) {
  if (!path.includes("${")) return [];
  const type = node ? checker.getTypeAtLocation(node) : null;
  const literals = (type?.isUnion() ? type.types : type ? [type] : []).filter((t) => t.isStringLiteral());
  if (literals.length) return literals.map((t) => [method, t.value].filter(Boolean).join(" ")).sort();
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

function breakageOf(diagnostic, { rootDir, checker, known, current }) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n").split("\n")[0];
  const { file: sf, start } = diagnostic;
  const none = { operation: null, candidates: [], missing: [], file: null, line: 0, code: diagnostic.code, message };
  if (!sf || start === undefined) return none;
  const { line } = sf.getLineAndCharacterOfPosition(start);
  let pos = start;
  if (diagnostic.code === UNUSED_EXPECT_ERROR) {
    // the directive is a comment: the call it was about is on the next line
    const next = sf.getLineStarts()[line + 1] ?? start;
    pos = next + (/^\s*/.exec(sf.text.slice(next))?.[0].length ?? 0);
  }
  const found = operationAt(sf, pos);
  const candidates = found ? expand(found, checker, known) : [];
  return {
    ...none,
    operation: found ? [found.method, found.path].filter(Boolean).join(" ") : null,
    candidates,
    missing: candidates.filter((id) => !current.has(id)),
    file: relative(rootDir, sf.fileName),
    line: line + 1,
  };
}

/** "operation POST /v2/... broke <file>:<line>: <message>" */
export function formatBreakage(b) {
  const where = b.file ? `${b.file}:${b.line}` : "the build";
  const also = b.missing.length
    ? ` (${b.missing.join(", ")} no longer in the spec)`
    : b.candidates.length
      ? ` (can be ${b.candidates.join(", ")})`
      : "";
  return b.operation
    ? `operation ${b.operation}${also} broke ${where}: ${b.message}`
    : `${where}: ${b.message} (no operation call found at this line)`;
}

/** The package's compiler options and files, with its imports pointed at the new types. */
function loadProject(dir, mapped) {
  const configPath = join(dir, "tsconfig.json");
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(`Cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir, undefined, configPath);
  const { configFilePath: _file, pathsBasePath: _base, ...own } = parsed.options;
  const options = { ...own, noEmit: true, incremental: false, paths: { ...own.paths, ...mapped } };
  return { options, files: parsed.fileNames };
}

/**
 * @param {{ generatedDir: string, packages: string[], packagesDir: string, rootDir: string,
 *   typesName: string, operations: Iterable<string>, current: Iterable<string> }} options
 *   `operations`: every operation before and after; `current`: the ones the new spec has
 * @returns {Promise<Breakage[]>}
 */
export async function verifyBuild({ generatedDir, packages, packagesDir, rootDir, typesName, operations, current }) {
  const known = new Set(operations);
  const now = new Set(current);
  const mapped = { ...(await workspaceSources(packagesDir)), [typesName]: [join(generatedDir, "index.ts")] };
  // Packages compiled with the same options share one program: each file is checked once.
  const groups = new Map();
  for (const dir of packages) {
    const { options, files } = loadProject(dir, mapped);
    const key = JSON.stringify(options);
    groups.set(key, { options, files: [...(groups.get(key)?.files ?? []), ...files] });
  }
  const breakages = new Map();
  for (const { options, files } of groups.values()) {
    const program = ts.createProgram({ rootNames: [...new Set(files)], options });
    const context = { rootDir, checker: program.getTypeChecker(), known, current: now };
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
      const b = breakageOf(diagnostic, context);
      breakages.set(`${b.file}:${b.line}:${b.code}:${b.message}`, b);
    }
  }
  return [...breakages.values()];
}
