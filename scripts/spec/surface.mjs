// The surface the packages are generated from: each spec openapi/surface.yaml names,
// linted with the project's Redocly rules and bundled (@redocly/openapi-core), cut down
// to the selected operations and the components they reach (openapi-format), then
// merged in the declared order of trust (internal/merge.mjs).
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bundleFromString,
  getLineColLocation,
  lintFromString,
  loadConfig,
  unescapePointer,
} from "@redocly/openapi-core";
import openapiFormat from "openapi-format";
import { parse } from "yaml";
import { SpecError } from "./internal/errors.mjs";
import { mergeSpecs } from "./internal/merge.mjs";
import { METHODS, operationsOf, UNUSED } from "./internal/openapi.mjs";

export { formatConflict } from "./internal/merge.mjs";
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CONFIG_FILE = "surface.yaml";

const strings = (value) => Array.isArray(value) && value.every((v) => typeof v === "string");
const OPERATION = new RegExp(`^(${METHODS.join("|").toUpperCase()}) /\\S*$`);

/**
 * Why the selection picks an operation ("tag \"Flow Control\"", "operations entry"), or
 * null: left out by `exclude` or matched by nothing.
 */
function selectedBy(id, op, { tags, operations, exclude }) {
  if (exclude.includes(id)) return null;
  if (operations.includes(id)) return `select.operations entry "${id}"`;
  const tag = op.tags?.find((t) => tags.includes(t));
  return tag === undefined ? null : `tag "${tag}"`;
}

/** openapi/surface.yaml: which specs, most trusted first, and which operations. */
export async function readSurfaceConfig(openapiDir) {
  const file = join(openapiDir, CONFIG_FILE);
  const fail = (message, cause) =>
    new SpecError("SPEC_CONFIG", `${file}: ${message}`, { file, line: cause?.linePos?.[0].line, cause });
  const config = await readFile(file, "utf8")
    .then((text) => parse(text) ?? {})
    .catch((error) => Promise.reject(fail(`cannot be read: ${error.message.split("\n")[0]}`, error)));
  const { specs, select = {}, resolve: chosen } = config;
  if (!strings(specs) || !specs.length || !specs.every((s) => /^[\w.-]+\.yaml$/.test(s)))
    throw fail('"specs" must list spec files of this folder, most trusted first');
  // each spec is generated into <name>.ts beside combined.ts and index.ts
  const clash = specs.find((s, i) => specs.indexOf(s) !== i || /^(combined|index)\.yaml$/i.test(s));
  if (clash) throw fail(`the spec ${clash} would overwrite another generated file; rename it`);
  const { tags = [], operations = [], exclude = [] } = select;
  if (!strings(tags) || !strings(operations) || !(tags.length || operations.length))
    throw fail('"select" needs "tags" and/or "operations" ("METHOD /path"), lists of strings');
  if (!strings(exclude)) throw fail('"select.exclude" must list operations as "METHOD /path"');
  const odd = [...operations, ...exclude].find((id) => !OPERATION.test(id));
  if (odd !== undefined)
    throw fail(`"${odd}" is not an operation; write it as "METHOD /path", e.g. "GET /v2/keys/rotate"`);
  const both = exclude.find((id) => operations.includes(id));
  if (both) throw fail(`${both} is both in select.operations and in select.exclude; keep one`);
  const [id, winner] = Object.entries(chosen ?? {}).find(([, file]) => !specs.includes(file)) ?? [];
  if (id !== undefined) throw fail(`resolve "${id}" names ${winner}, which is not in "specs"`);
  return { file, specs, select: { tags, operations, exclude }, resolve: chosen ?? {} };
}

/** The keys of one of Redocly's `#/...` JSON pointers. */
const segments = (pointer) => pointer.split("/").slice(1).map(unescapePointer);

/**
 * Lints, bundles and selects one spec file. Lint errors inside the selection or at
 * document level fail, naming file, line, rule and $ref; the rest of the file is
 * carried along and its problems ignored.
 */
async function loadSpec(path, { label, select, redocly, text }) {
  const input = { absoluteRef: resolve(path), config: redocly, source: "" };
  let problems;
  try {
    input.source = text ?? (await readFile(path, "utf8"));
    problems = await lintFromString(input);
  } catch (caught) {
    /** @type {any} */
    const error = caught;
    // openapi-core's YamlParseError (named plain "Error") carries the line and column.
    const at = typeof error?.line === "number" ? `:${error.line}:${error.col}: not valid YAML` : "";
    const why = error.originalError?.reason ?? error.message;
    throw new SpecError("SPEC_PARSE", `${label}${at}: ${why}`, { file: label, line: error?.line, cause: error });
  }
  const doc = (await bundleFromString(input)).bundle.parsed;
  if (!doc?.openapi)
    throw new SpecError("SPEC_SOURCE", `${label} is not an OpenAPI document (no "openapi" key)`, { file: label });

  const all = [...operationsOf(doc)];
  const picked = ([id, { op }]) => selectedBy(id, op, select) !== null;
  const ids = all.filter(picked).map(([id]) => id);
  const excluded = all.filter(([id]) => select.exclude.includes(id)).map(([id]) => id);
  const dropped = all.filter((entry) => !picked(entry)).map(([id]) => id.replace(" ", "::"));
  const filterSet = { operations: dropped, unusedComponents: UNUSED };
  const { data: selected } = await openapiFormat.openapiFilter(structuredClone(doc), { filterSet });

  // Where a problem is: [true, "METHOD /path"] in a selected operation, [true, null] in a
  // selected component, a path item's shared part or the document level, [false] outside.
  const placeOf = (pointer) => {
    const [area, key, name] = segments(pointer);
    if (area === "components") return [selected.components?.[key]?.[name] !== undefined, null];
    if (area !== "paths") return [true, null]; // document level: servers, security, info
    const id = `${String(name).toUpperCase()} ${key}`;
    if (ids.includes(id)) return [true, id];
    // what a path item shares with its selected operations (parameters, servers)
    return [selected.paths?.[key] !== undefined && !all.some(([other]) => other === id), null];
  };
  const errors = problems
    .filter((p) => p.severity === "error" && placeOf(p.location[0].pointer)[0])
    .map((p) => {
      const { pointer, source } = p.location[0];
      const { line, col } = getLineColLocation(p.location[0]).start;
      const at = segments(pointer).reduce((node, key) => node?.[key], doc); // unresolved $refs stay as written
      const ref = p.ruleId === "no-unresolved-refs" ? at?.$ref : undefined;
      const file = source.absoluteRef === input.absoluteRef ? label : source.absoluteRef;
      const operation = placeOf(pointer)[1];
      const text = `\n  ${file}:${line}:${col}: ${p.message}${ref ? ` ($ref: ${ref})` : ""} [${p.ruleId}]`;
      return { file, line, ref, operation, text };
    });
  if (errors.length) {
    const ops = new Map(all);
    const lines = errors.map((e) => e.text);
    for (const id of new Set(errors.map((e) => e.operation).filter(Boolean))) {
      const { op } = ops.get(id);
      const why = selectedBy(id, op, select);
      lines.push(
        `\n\n  ${id}${op.summary ? ` ("${op.summary}")` : ""} is selected by ${why} in openapi/${CONFIG_FILE}.` +
          `\n  To leave it out of the generated types, add it under select.exclude:\n      - ${id}`,
      );
    }
    const message = `${label} fails the project's OpenAPI rules inside the selection:${lines.join("")}`;
    throw new SpecError("SPEC_LINT", message, errors[0]);
  }
  return { label, doc, selected, ids, excluded };
}

/**
 * The whole surface: config, every spec loaded and selected, merged.
 * @param {{ openapiDir?: string, files?: Record<string, { label: string, text: string, path?: string }> }} [options]
 *   `files` replaces a spec's text (the staged sources of an update; $refs resolve from openapiDir)
 */
export async function loadSurface({ openapiDir = join(ROOT, "openapi"), files = {} } = {}) {
  const config = await readSurfaceConfig(openapiDir);
  const redocly = await loadConfig({ configPath: join(ROOT, "redocly.yaml") });
  const specs = [];
  for (const name of config.specs) {
    const { path = join(openapiDir, name), label = path, text } = files[name] ?? {};
    specs.push(await loadSpec(path, { label, text, select: config.select, redocly }));
  }
  const fail = (message) => new SpecError("SPEC_SELECTION", `${config.file}: ${message}`, { file: config.file });
  const found = new Set(specs.flatMap((s) => s.ids));
  const { tags, operations } = config.select;
  const what = `tags: ${tags.join(", ") || "none"}; operations: ${operations.join(", ") || "none"}`;
  if (!found.size) throw fail(`the selection (${what}) matches no operation in ${config.specs.join(", ")}`);
  const stale = operations.filter((id) => !found.has(id));
  if (stale.length) throw fail(`select.operations names ${stale.join(", ")}, which no spec defines`);
  // An exclusion upstream made unnecessary is reported, never an error: the fix must not block.
  const unneeded = config.select.exclude.filter((id) => !specs.some((s) => s.excluded.includes(id)));
  return { config, specs, unneeded, ...(await mergeSpecs(specs, config)) };
}
