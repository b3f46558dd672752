// The surface the packages are generated from: each spec named in openapi/surface.yaml,
// linted with the project's Redocly rules and bundled (@redocly/openapi-core), cut down
// to the selected operations and the components they reach (openapi-format), then
// merged in the order of preference the config declares. Conflicts are kept, with what
// differs, for the report.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bundle,
  createConfig,
  getLineColLocation,
  lint,
  loadConfig,
  makeDocumentFromString,
} from "@redocly/openapi-core";
import { apiDiff } from "api-smart-diff";
import openapiFormat from "openapi-format";
import { parse } from "yaml";
import { SpecError } from "./internal/errors.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const OPENAPI_DIR = join(ROOT, "openapi");
export const CONFIG_FILE = "surface.yaml";
// Component kinds dropped when nothing selected reaches them (securitySchemes stay).
const UNUSED = ["schemas", "parameters", "examples", "headers", "requestBodies", "responses"];
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Key order never decides whether two definitions differ; code-unit order, never the locale's. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** `/v2/flowControl/{key}` and `/v2/flowControl/{flowControlKey}` are one route. */
const routeOf = (path) => path.replace(/\{[^}]*\}/g, "{}");

/** Every operation of a document as "METHOD /path" -> { method, path, op }. */
export function operationsOf(doc) {
  const ops = new Map();
  for (const [path, item] of Object.entries(doc?.paths ?? {})) {
    for (const method of METHODS) {
      if (item?.[method]) ops.set(`${method.toUpperCase()} ${path}`, { method, path, op: item[method] });
    }
  }
  return ops;
}

const strings = (value) => Array.isArray(value) && value.every((v) => typeof v === "string");

/** openapi/surface.yaml: which specs, in which order of preference, and what is selected. */
export async function readSurfaceConfig(openapiDir = OPENAPI_DIR) {
  const file = join(openapiDir, CONFIG_FILE);
  const fail = (message) => new SpecError("SPEC_CONFIG", `${file}: ${message}`, { file });
  let config;
  try {
    config = parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new SpecError("SPEC_CONFIG", `Cannot read ${file}: ${error.message.split("\n")[0]}`, { file, cause: error });
  }
  const { specs, select = {}, resolve: chosen = {} } = config ?? {};
  if (!strings(specs) || !specs.length || !specs.every((s) => /^[\w.-]+\.yaml$/.test(s))) {
    throw fail('"specs" must list the spec files of this folder, most trusted first');
  }
  const tags = select.tags ?? [];
  const operations = select.operations ?? [];
  if (!strings(tags) || !strings(operations) || !(tags.length || operations.length)) {
    throw fail('"select" needs "tags" and/or "operations" ("METHOD /path"), lists of strings');
  }
  for (const [id, winner] of Object.entries(chosen ?? {})) {
    if (!specs.includes(winner)) throw fail(`resolve "${id}" names ${winner}, which is not in "specs"`);
  }
  return { file, specs, select: { tags, operations }, resolve: chosen ?? {} };
}

/** The project's Redocly rules (redocly.yaml at the root). */
export const redoclyConfig = () => loadConfig({ configPath: join(ROOT, "redocly.yaml") });

const lookup = (doc, pointer) =>
  pointer
    .replace(/^#\/?/, "")
    .split("/")
    .filter(Boolean)
    .map((s) => decodeURIComponent(s).replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((node, key) => node?.[key], doc);

/**
 * Lints and bundles one spec file and cuts it down to the selection. Lint errors inside
 * the selection (or at document level) fail, naming the file, line and $ref; the rest
 * of the file is carried along and its problems only counted.
 * @param {string} path the file to read
 * @param {{ label: string, select: { tags: string[], operations: string[] }, redocly: any }} options
 */
export async function loadSpec(path, { label, select, redocly }) {
  let problems;
  try {
    problems = await lint({ ref: path, config: redocly });
  } catch (error) {
    // @redocly/openapi-core's YamlParseError (its `name` is plain "Error") carries line and col.
    if (typeof error?.line !== "number")
      throw new SpecError("SPEC_PARSE", `${label}: ${error.message}`, { file: label });
    const reason = error.originalError?.reason ?? error.message;
    throw new SpecError("SPEC_PARSE", `${label}:${error.line}:${error.col}: not valid YAML: ${reason}`, {
      file: label,
      line: error.line,
      cause: error,
    });
  }
  const { bundle: bundled } = await bundle({ ref: path, config: redocly });
  const doc = bundled.parsed;
  if (!doc || typeof doc !== "object" || !doc.openapi) {
    throw new SpecError("SPEC_SOURCE", `${label} is not an OpenAPI document (no "openapi" key)`, { file: label });
  }
  const all = [...operationsOf(doc)];
  const picked = ([id, { op }]) => select.operations.includes(id) || op.tags?.some((t) => select.tags.includes(t));
  const ids = all.filter(picked).map(([id]) => id);
  const { data: selected } = await openapiFormat.openapiFilter(structuredClone(doc), {
    filterSet: {
      operations: all.filter((entry) => !picked(entry)).map(([id]) => id.replace(" ", "::")),
      unusedComponents: UNUSED,
    },
  });
  const inside = (pointer) => {
    const [, area, key, rest] = /^#\/(paths|components)\/([^/]+)(?:\/([^/]+))?/.exec(pointer) ?? [];
    if (!area) return true; // document level: servers, security, info
    if (area === "components") return Boolean(selected.components?.[key]?.[decodeURIComponent(rest ?? "")]);
    const path = decodeURIComponent(key).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!selected.paths?.[path]) return false;
    return !METHODS.includes(rest) || ids.includes(`${rest.toUpperCase()} ${path}`);
  };
  const raw = parse(await readFile(path, "utf8"));
  const errors = problems
    .filter((p) => p.severity === "error" && inside(p.location[0].pointer))
    .map((p) => {
      const { pointer, source } = p.location[0];
      const { line, col } = getLineColLocation(p.location[0]).start;
      const ref = p.ruleId === "no-unresolved-refs" ? lookup(raw, pointer)?.$ref : undefined;
      const file = source.absoluteRef === resolve(path) ? label : source.absoluteRef;
      return {
        file,
        line,
        ref,
        text: `${file}:${line}:${col}: ${p.message}${ref ? ` ($ref: ${ref})` : ""} [${p.ruleId}]`,
      };
    });
  if (errors.length) {
    const [first] = errors;
    throw new SpecError(
      "SPEC_LINT",
      `${label} fails the project's OpenAPI rules:\n${errors.map((e) => `  ${e.text}`).join("\n")}`,
      first,
    );
  }
  return { label, doc, selected, ids, ignored: problems.length - errors.length };
}

const emptyConfig = createConfig({});
/** A document with every $ref replaced by what it points to, so `$ref` or inline never counts as a difference. */
export async function dereference(doc) {
  const text = JSON.stringify(doc);
  const result = await bundle({
    doc: makeDocumentFromString(text, "/surface.json"),
    config: await emptyConfig,
    dereference: true,
  });
  return result.bundle.parsed;
}

/** "where: what" lines for the differences between two definitions, from api-smart-diff. */
const isDoc = (d) =>
  /^(description|summary|title|examples?|x-.*)$/.test(String(d.path.at(-1))) ||
  d.path.some((p) => String(p).startsWith("x-"));
function differences(a, b, fileA, fileB, wrap) {
  const all = apiDiff(wrap(a), wrap(b));
  const docs = all.filter(isDoc).length;
  return all
    .filter((d) => !isDoc(d))
    .map((d) => {
      const where = d.path
        .filter((p) => p !== "properties")
        .slice(2)
        .join(".");
      if (d.action === "add") return `\`${where}\` only in ${fileB}`;
      if (d.action === "remove") return `\`${where}\` only in ${fileA}`;
      return `\`${where}\`: ${JSON.stringify(d.before)} in ${fileA} vs ${JSON.stringify(d.after)} in ${fileB}`;
    })
    .concat(docs ? [`${docs} documentation difference${docs === 1 ? "" : "s"}`] : []);
}

/**
 * Merges the selected parts of the specs, most trusted first. An entry defined
 * differently is a conflict: the first spec that defines it wins unless `resolve` names
 * another; every conflict is returned with its differences. `resolve` entries are
 * judged against these specs (the ones being written): one that resolves nothing fails.
 * @param {Awaited<ReturnType<typeof loadSpec>>[]} specs in the config's order
 * @param {{ file: string, specs: string[], resolve: Record<string, string> }} config
 */
export async function mergeSpecs(specs, config) {
  const wrapOp = (doc) => ({ openapi: "3.1.0", info: { title: "", version: "" }, paths: { "/": doc } });
  const wrapComponent = ([kind, name, value]) => ({
    openapi: "3.1.0",
    info: { title: "", version: "" },
    components: { [kind]: { [name]: value } },
  });
  /** @type {Map<string, { file: string, value: any, compare: any, wrap: Function }[]>} */
  const entries = new Map();
  const add = (id, candidate) => entries.set(id, [...(entries.get(id) ?? []), candidate]);
  for (const [i, spec] of specs.entries()) {
    const file = config.specs[i];
    const deref = await dereference(spec.selected);
    for (const [id, { method, path, op }] of operationsOf(spec.selected)) {
      const resolved = deref.paths[path][method];
      add(`${method.toUpperCase()} ${routeOf(path)}`, {
        file,
        id,
        value: { path, method, op },
        compare: { [method]: resolved },
        wrap: wrapOp,
      });
    }
    for (const [kind, items] of Object.entries(spec.selected.components ?? {})) {
      for (const [name, value] of Object.entries(items ?? {}))
        add(`${kind}/${name}`, { file, value, compare: [kind, name, value], wrap: wrapComponent });
    }
    for (const server of spec.selected.servers ?? [])
      add(`server ${server.url}`, {
        file,
        value: server,
        compare: server,
        wrap: (s) => ({ openapi: "3.1.0", info: { title: "", version: "" }, servers: [s] }),
      });
  }

  const conflicts = [];
  const winners = new Map();
  for (const [id, candidates] of entries) {
    const key = id.startsWith("server ") ? id.slice(7) : id;
    const named = config.resolve[key];
    const winner = candidates.find((c) => c.file === (named ?? candidates[0].file));
    const others = candidates.filter((c) => c !== winner && canonical(c.compare) !== canonical(winner?.compare));
    if (named !== undefined && !winner) {
      throw new SpecError(
        "SPEC_CONFLICT",
        `${config.file}: resolve "${key}" names ${named}, which does not define it in the selection`,
        { file: config.file },
      );
    }
    if (named !== undefined && !others.length) {
      const why = candidates.length > 1 ? "the specs agree on it" : `only ${candidates[0].file} defines it`;
      throw new SpecError(
        "SPEC_CONFLICT",
        `${config.file}: resolve "${key}" resolves nothing (${why}); remove the entry`,
        { file: config.file },
      );
    }
    winners.set(id, winner);
    for (const other of others) {
      const shown =
        id.includes(" ") && !id.startsWith("server ")
          ? winner.id === other.id
            ? winner.id
            : `${winner.id} / ${other.id}`
          : id;
      conflicts.push({
        id: shown,
        key,
        winner: winner.file,
        other: other.file,
        declared: named !== undefined,
        differences: differences(winner.compare, other.compare, winner.file, other.file, winner.wrap),
      });
    }
  }

  const first = specs[0].selected;
  const doc = {
    openapi: first.openapi,
    info: {
      title: "QStash flow control (selected surface)",
      version: first.info?.version ?? "0.0.0",
      description: `Merged from ${config.specs.join(", ")} by openapi/${CONFIG_FILE}.`,
    },
  };
  doc.servers = [...winners].filter(([id]) => id.startsWith("server ")).map(([, w]) => w.value);
  doc.security = [...new Map(specs.flatMap((s) => s.selected.security ?? []).map((r) => [canonical(r), r])).values()];
  doc.paths = {};
  const spelled = new Map();
  for (const [id, { value }] of [...winners]
    .filter(([id]) => /^[A-Z]+ \//.test(id))
    .sort(([a], [b]) => (a < b ? -1 : 1))) {
    const route = id.slice(id.indexOf(" ") + 1);
    const other = spelled.get(route);
    if (other && other !== value.path) {
      throw new SpecError(
        "SPEC_CONFLICT",
        `route ${route} is spelled ${other} and ${value.path} by the operations chosen from the specs; select operations that spell it one way`,
      );
    }
    spelled.set(route, value.path);
  }
  for (const path of [...new Set(spelled.values())].sort()) doc.paths[path] = {};
  for (const [, { value }] of [...winners].filter(([id]) => /^[A-Z]+ \//.test(id)))
    doc.paths[value.path][value.method] = value.op;
  for (const path of Object.keys(doc.paths))
    doc.paths[path] = Object.fromEntries(METHODS.filter((m) => doc.paths[path][m]).map((m) => [m, doc.paths[path][m]]));
  doc.components = {};
  for (const [id, { value }] of [...winners].filter(([id]) => /^\w+\//.test(id)).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [kind, name] = [id.slice(0, id.indexOf("/")), id.slice(id.indexOf("/") + 1)];
    doc.components[kind] ??= {};
    doc.components[kind][name] = value;
  }
  for (const key of Object.keys(config.resolve)) {
    if (![...entries.keys()].some((id) => id === key || id === `server ${key}`)) {
      throw new SpecError(
        "SPEC_CONFLICT",
        `${config.file}: resolve "${key}" names nothing in the selection; remove the entry`,
        { file: config.file },
      );
    }
  }
  // A component of a losing operation's spec that no winner reaches is dropped.
  const { data: merged } = await openapiFormat.openapiFilter(doc, { filterSet: { unusedComponents: UNUSED } });
  const kept = (id) =>
    !/^\w+\//.test(id) ||
    merged.components?.[id.slice(0, id.indexOf("/"))]?.[id.slice(id.indexOf("/") + 1)] !== undefined;
  // A spec every entry of which comes from a spec before it adds nothing to the types.
  const used = new Set([...winners].filter(([id]) => kept(id)).map(([, w]) => w.file));
  return { doc: merged, conflicts, idle: config.specs.filter((file) => !used.has(file)) };
}

/** One line per conflict, for the terminal and the report. */
export const formatConflict = (c) =>
  `${c.id}: ${c.winner} wins over ${c.other} (${c.declared ? "resolve" : "order of specs"}): ${c.differences.join("; ") || "defined differently"}`;

/**
 * The whole surface: config, every spec loaded and selected, merged.
 * @param {{ openapiDir?: string, files?: Record<string, { path: string, label: string }> }} [options]
 *   `files` replaces a spec's file (the staged sources of an update)
 */
export async function loadSurface({ openapiDir = OPENAPI_DIR, files = {} } = {}) {
  const config = await readSurfaceConfig(openapiDir);
  const redocly = await redoclyConfig();
  const specs = [];
  for (const name of config.specs) {
    const { path, label } = files[name] ?? { path: join(openapiDir, name), label: join(openapiDir, name) };
    specs.push(await loadSpec(path, { label, select: config.select, redocly }));
  }
  if (specs.every((s) => s.ids.length === 0)) {
    throw new SpecError(
      "SPEC_SELECTION",
      `${config.file}: the selection (tags: ${config.select.tags.join(", ") || "none"}; operations: ${config.select.operations.join(", ") || "none"}) matches no operation in ${config.specs.join(", ")}`,
      { file: config.file },
    );
  }
  const found = new Set(specs.flatMap((s) => s.ids));
  const stale = config.select.operations.filter((id) => !found.has(id));
  if (stale.length) {
    throw new SpecError(
      "SPEC_SELECTION",
      `${config.file}: select.operations names ${stale.join(", ")}, which no spec defines`,
      { file: config.file },
    );
  }
  const { doc, conflicts, idle } = await mergeSpecs(specs, config);
  return { config, specs, doc, conflicts, idle };
}
