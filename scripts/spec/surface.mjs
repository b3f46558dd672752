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
import { operationsOf, UNUSED } from "./internal/openapi.mjs";

export { formatConflict } from "./internal/merge.mjs";
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CONFIG_FILE = "surface.yaml";

const strings = (value) => Array.isArray(value) && value.every((v) => typeof v === "string");

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
  const { tags = [], operations = [] } = select;
  if (!strings(tags) || !strings(operations) || !(tags.length || operations.length))
    throw fail('"select" needs "tags" and/or "operations" ("METHOD /path"), lists of strings');
  const [id, winner] = Object.entries(chosen ?? {}).find(([, file]) => !specs.includes(file)) ?? [];
  if (id !== undefined) throw fail(`resolve "${id}" names ${winner}, which is not in "specs"`);
  return { file, specs, select: { tags, operations }, resolve: chosen ?? {} };
}

/** The keys of one of Redocly's `#/...` JSON pointers. */
const segments = (pointer) => pointer.split("/").slice(1).map(unescapePointer);

/**
 * Lints, bundles and selects one spec file. Lint errors inside the selection or at
 * document level fail, naming file, line, rule and $ref; the rest of the file is
 * carried along and its problems ignored.
 */
export async function loadSpec(path, { label, select, redocly, text }) {
  const input = { absoluteRef: resolve(path), config: redocly };
  let problems;
  try {
    input.source = text ?? (await readFile(path, "utf8"));
    problems = await lintFromString(input);
  } catch (error) {
    // openapi-core's YamlParseError (named plain "Error") carries the line and column.
    const at = typeof error?.line === "number" ? `:${error.line}:${error.col}: not valid YAML` : "";
    const why = error.originalError?.reason ?? error.message;
    throw new SpecError("SPEC_PARSE", `${label}${at}: ${why}`, { file: label, line: error?.line, cause: error });
  }
  const doc = (await bundleFromString(input)).bundle.parsed;
  if (!doc?.openapi)
    throw new SpecError("SPEC_SOURCE", `${label} is not an OpenAPI document (no "openapi" key)`, { file: label });

  const all = [...operationsOf(doc)];
  const picked = ([id, { op }]) => select.operations.includes(id) || op.tags?.some((t) => select.tags.includes(t));
  const ids = all.filter(picked).map(([id]) => id);
  const dropped = all.filter((entry) => !picked(entry)).map(([id]) => id.replace(" ", "::"));
  const filterSet = { operations: dropped, unusedComponents: UNUSED };
  const { data: selected } = await openapiFormat.openapiFilter(structuredClone(doc), { filterSet });

  const inside = (pointer) => {
    const [area, key, name] = segments(pointer);
    if (area === "components") return selected.components?.[key]?.[name] !== undefined;
    if (area !== "paths") return true; // document level: servers, security, info
    const id = `${String(name).toUpperCase()} ${key}`;
    // a selected operation, or what its path item shares with it (parameters, servers)
    return selected.paths?.[key] !== undefined && (ids.includes(id) || !all.some(([other]) => other === id));
  };
  const errors = problems
    .filter((p) => p.severity === "error" && inside(p.location[0].pointer))
    .map((p) => {
      const { pointer, source } = p.location[0];
      const { line, col } = getLineColLocation(p.location[0]).start;
      const at = segments(pointer).reduce((node, key) => node?.[key], doc); // unresolved $refs stay as written
      const ref = p.ruleId === "no-unresolved-refs" ? at?.$ref : undefined;
      const file = source.absoluteRef === input.absoluteRef ? label : source.absoluteRef;
      const text = `\n  ${file}:${line}:${col}: ${p.message}${ref ? ` ($ref: ${ref})` : ""} [${p.ruleId}]`;
      return { file, line, ref, text };
    });
  const list = errors.map((e) => e.text).join("");
  if (errors.length) throw new SpecError("SPEC_LINT", `${label} fails the project's OpenAPI rules:${list}`, errors[0]);
  return { label, doc, selected, ids };
}

/**
 * The whole surface: config, every spec loaded and selected, merged.
 * @param {{ openapiDir?: string, files?: Record<string, { label: string, text: string }> }} [options]
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
  return { config, specs, ...(await mergeSpecs(specs, config)) };
}
