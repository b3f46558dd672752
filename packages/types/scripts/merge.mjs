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
// Path-level `servers` are pushed down the same way (an operation's own `servers`
// replace them, as in OpenAPI), so they reach the merged document instead of vanishing.
function operationsOf(pathItem, resolve) {
  const ops = {};
  for (const method of METHODS) {
    const op = pathItem[method];
    if (!op) continue;
    const parameters = inheritParameters(pathItem.parameters, op.parameters, resolve);
    const out = parameters.length ? { ...op, parameters } : { ...op };
    if (pathItem.servers !== undefined && op.servers === undefined) out.servers = pathItem.servers;
    ops[method] = out;
  }
  return ops;
}

/**
 * A path with every `{parameter}` written `{}`: `/v2/flowControl/{flowControlKey}` and
 * `/v2/flowControl/{key}` are one route (OpenAPI forbids both in one document).
 */
export const routeOf = (path) => path.replace(/\{[^}]*\}/g, "{}");

/**
 * @param {{ file: string, doc: any }[]} specs in a stable order
 * @param {{ paths?: Record<string,string>, components?: Record<string,string>, servers?: Record<string,string> }} config
 *   `paths` keys are "<METHOD> <path>" (an operation) or a route with every parameter
 *   written `{}` ("/v2/flowControl/{}": whose spelling of the path wins)
 * @param {{ title?: string }} [options]
 */
export function mergeSpecs(specs, config = {}, options = {}) {
  const wins = {
    paths: { ...(config.paths ?? {}) },
    components: { ...(config.components ?? {}) },
    servers: { ...(config.servers ?? {}) },
  };
  const problems = [];
  const used = new Set();
  const files = new Set(specs.map((s) => s.file));

  // entry -> { file, value } chosen so far, and every file that defined it
  const seen = { paths: new Map(), components: new Map(), servers: new Map() };
  // route ("/v2/flowControl/{}") -> every file that has an operation on it, and per
  // spelling of the path, the files and methods that use that spelling
  /** @type {Map<string, { files: string[], spellings: Map<string, { files: string[], methods: string[] }> }>} */
  const routes = new Map();
  const noteRoute = (path, file, method) => {
    const route = routeOf(path);
    const entry = routes.get(route) ?? { files: [], spellings: new Map() };
    routes.set(route, entry);
    if (!entry.files.includes(file)) entry.files.push(file);
    const spelling = entry.spellings.get(path) ?? { files: [], methods: [] };
    entry.spellings.set(path, spelling);
    if (!spelling.files.includes(file)) spelling.files.push(file);
    if (!spelling.methods.includes(method)) spelling.methods.push(method);
  };

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
        noteRoute(path, file, method.toUpperCase());
      }
    }
    for (const server of doc.servers ?? []) {
      const url = String(server?.url);
      consider("servers", url, file, server, `server ${url}`);
    }
    for (const [kind, entries] of Object.entries(doc.components ?? {})) {
      for (const [name, value] of Object.entries(entries ?? {})) {
        const id = `${kind}/${name}`;
        consider("components", id, file, value, `components.${kind}.${name}`);
      }
    }
  }

  // The same route spelled with different parameter names: both spellings would end up in
  // `paths`. The file named in merge.yaml keeps its spelling; the other spellings' operations
  // are left out.
  const dropped = new Set();
  for (const [route, { spellings }] of routes) {
    if (spellings.size < 2) continue;
    const winner = wins.paths[route];
    if (winner === undefined) {
      const list = [...spellings].map(([path, s]) => `${path} (${s.methods.join(", ")}) in ${s.files.join(", ")}`);
      problems.push(
        `route ${route} is spelled with different parameter names: ${list.join(" and ")}; ` +
          `name the file whose spelling wins in openapi/merge.yaml under paths: "${route}": <file>`,
      );
      continue;
    }
    const kept = [...spellings].filter(([, s]) => s.files.includes(winner)).map(([path]) => path);
    if (kept.length !== 1) continue; // the winner has no spelling of it, or several: reported below
    used.add(`paths:${route}`);
    for (const path of spellings.keys()) if (path !== kept[0]) dropped.add(path);
  }

  for (const kind of ["paths", "components", "servers"]) {
    for (const [id, file] of Object.entries(wins[kind])) {
      const isRoute = kind === "paths" && id.startsWith("/");
      if (isRoute && routeOf(id) !== id) {
        problems.push(
          `openapi/merge.yaml names paths "${id}"; write a route with every parameter as {}: "${routeOf(id)}"`,
        );
        continue;
      }
      const entry = isRoute ? routes.get(id) : seen[kind].get(id);
      const own = isRoute && entry ? [...entry.spellings].filter(([, s]) => s.files.includes(file)) : [];
      if (!files.has(file)) {
        problems.push(`openapi/merge.yaml names ${file} for ${kind} "${id}", but no spec file has that name`);
      } else if (!entry) {
        problems.push(`openapi/merge.yaml names ${kind} "${id}", which no spec defines; remove the entry`);
      } else if (!entry.files.includes(file)) {
        problems.push(`openapi/merge.yaml names ${file} for ${kind} "${id}", but ${file} does not define it`);
      } else if (own.length > 1) {
        problems.push(
          `openapi/merge.yaml names ${file} for ${kind} "${id}", but ${file} itself spells it ` +
            `${own.map(([path]) => path).join(" and ")}; use one spelling in ${file}`,
        );
      } else if (!used.has(`${kind}:${id}`)) {
        const agree = isRoute ? `every spec spells it ${[...entry.spellings.keys()][0]}` : "the specs agree on it";
        problems.push(`openapi/merge.yaml resolves ${kind} "${id}", but ${agree}; remove the entry`);
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
    if (dropped.has(path)) continue;
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
    // One per URL, in the order the specs first mention them (conflicts resolved above).
    servers: [...seen.servers.values()].map(({ value }) => value),
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
