// Merges several OpenAPI documents into one surface. Kept free of I/O so tests can
// feed it fixture documents directly.
import { inheritParameters, resolver } from "./internal/parameters.mjs";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export class MergeConflictError extends Error {
  constructor(problems) {
    super(`Cannot merge the OpenAPI specs:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "MergeConflictError";
    this.problems = problems;
  }
}

/**
 * Orders strings by UTF-16 code units, like `Array#sort()` without a comparator. Never
 * `localeCompare`: its order depends on the machine's locale (under Czech collation "ch"
 * sorts after "h", "securitySchemes" before "schemas"), and the output must not.
 */
export const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Stable serialisation, so key order in YAML never decides whether two definitions differ. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort(byCodeUnits);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

// Path-level parameters apply to every operation of the path; pushing them down lets
// two files that spell the same operation differently (path-level or not) compare equal.
// A parameter written as a `$ref` is matched by what it points to (see parameterKey).
function operationsOf(pathItem, resolve) {
  const ops = {};
  for (const method of METHODS) {
    const op = pathItem[method];
    if (!op) continue;
    const parameters = inheritParameters(pathItem.parameters, op.parameters, resolve);
    ops[method] = parameters.length ? { ...op, parameters } : { ...op };
  }
  return ops;
}

/**
 * @param {{ file: string, doc: any }[]} specs in a stable order
 * @param {{ paths?: Record<string,string>, components?: Record<string,string> }} config
 * @param {{ title?: string }} [options]
 */
export function mergeSpecs(specs, config = {}, options = {}) {
  const wins = { paths: { ...(config.paths ?? {}) }, components: { ...(config.components ?? {}) } };
  const problems = [];
  const used = new Set();
  const files = new Set(specs.map((s) => s.file));

  // entry -> { file, value } chosen so far, and every file that defined it
  const seen = { paths: new Map(), components: new Map() };

  const consider = (kind, id, file, value, describe) => {
    const table = seen[kind];
    const prior = table.get(id);
    if (!prior) {
      table.set(id, { file, value, files: [file] });
      return;
    }
    prior.files.push(file);
    if (canonical(prior.value) === canonical(value)) return;
    const winner = wins[kind][id];
    if (winner === undefined) {
      problems.push(
        `${describe} is defined differently in ${prior.files.slice(0, -1).join(", ")} and ${file}; ` +
          `name the file that wins in openapi/merge.yaml under ${kind}: "${id}": <file>`,
      );
      return;
    }
    used.add(`${kind}:${id}`);
    if (winner === file) table.set(id, { file, value, files: prior.files });
  };

  for (const { file, doc } of specs) {
    const resolve = resolver(doc);
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (item && typeof item.$ref === "string") {
        // Its operations would otherwise vanish from the merged surface without a word.
        throw new Error(
          `unsupported: path item $ref in ${file} ${path} ($ref: ${item.$ref}); ` +
            "write the path item's operations under paths instead",
        );
      }
      for (const [method, op] of Object.entries(operationsOf(item ?? {}, resolve))) {
        const id = `${method.toUpperCase()} ${path}`;
        consider("paths", id, file, op, id);
      }
    }
    for (const [kind, entries] of Object.entries(doc.components ?? {})) {
      for (const [name, value] of Object.entries(entries ?? {})) {
        const id = `${kind}/${name}`;
        consider("components", id, file, value, `components.${kind}.${name}`);
      }
    }
  }

  for (const kind of ["paths", "components"]) {
    for (const [id, file] of Object.entries(wins[kind])) {
      const entry = seen[kind].get(id);
      if (!files.has(file)) {
        problems.push(`openapi/merge.yaml names ${file} for ${kind} "${id}", but no spec file has that name`);
      } else if (!entry) {
        problems.push(`openapi/merge.yaml names ${kind} "${id}", which no spec defines; remove the entry`);
      } else if (!entry.files.includes(file)) {
        problems.push(`openapi/merge.yaml names ${file} for ${kind} "${id}", but ${file} does not define it`);
      } else if (!used.has(`${kind}:${id}`)) {
        problems.push(`openapi/merge.yaml resolves ${kind} "${id}", but the specs agree on it; remove the entry`);
      }
    }
  }
  if (problems.length) throw new MergeConflictError(problems);

  /** @type {Record<string, Record<string, any>>} */
  const paths = {};
  for (const [id, { value }] of [...seen.paths].sort(([a], [b]) => byCodeUnits(a, b))) {
    const space = id.indexOf(" ");
    const method = id.slice(0, space).toLowerCase();
    const path = id.slice(space + 1);
    paths[path] ??= {};
    paths[path][method] = value;
  }
  /** @type {Record<string, Record<string, any>>} */
  const components = {};
  for (const [id, { value }] of [...seen.components].sort(([a], [b]) => byCodeUnits(a, b))) {
    const [kind, name] = id.split("/");
    components[kind] ??= {};
    components[kind][name] = value;
  }

  const unique = (items, key) => {
    const out = new Map();
    for (const item of items) if (!out.has(key(item))) out.set(key(item), item);
    return [...out.values()];
  };
  const first = specs[0]?.doc ?? {};
  return {
    openapi: first.openapi ?? "3.1.0",
    info: {
      title: options.title ?? "Combined API",
      version: first.info?.version ?? "0.0.0",
      description: `Merged from ${specs.map((s) => s.file).join(", ")}.`,
    },
    servers: unique(
      specs.flatMap((s) => s.doc.servers ?? []),
      (s) => s.url,
    ),
    security: unique(
      specs.flatMap((s) => s.doc.security ?? []),
      canonical,
    ),
    tags: unique(
      specs.flatMap((s) => s.doc.tags ?? []),
      (t) => t.name,
    ),
    paths,
    components,
  };
}
