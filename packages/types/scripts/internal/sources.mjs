// Reads the upstream sources of the vendored specs (openapi/sources.yaml, overridable)
// and turns them into the text of each file in openapi/. Upstream publishes Markdown
// documentation pages with the OpenAPI document in a ````yaml block; a plain YAML or
// JSON document works too.
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { CONFIG_FILES } from "../generate.mjs";
import { combineDocuments, extractDocuments } from "./documents.mjs";
import { SpecSourceError } from "./errors.mjs";

export { SpecSourceError } from "./errors.mjs";

/** @param {string} name */
function checkFileName(name, where) {
  if (!/^[\w.-]+\.yaml$/.test(name) || name.startsWith(".") || CONFIG_FILES.includes(name)) {
    throw new SpecSourceError(
      `${where}: "${name}" is not a spec file name (expected a plain "<name>.yaml" in openapi/, not ${CONFIG_FILES.join(" or ")})`,
    );
  }
}

const isUrl = (location) => /^https?:\/\//i.test(location);

/** A URL stays a URL; file: URLs and relative paths become absolute paths, relative to `base`. */
export function resolveLocation(location, base) {
  if (isUrl(location)) return location;
  if (/^file:/i.test(location)) return fileURLToPath(location);
  return isAbsolute(location) ? location : resolve(base, location);
}

/**
 * The sources of every vendored file: the committed config, with `overrides` (from the
 * command line, already resolved) replacing the whole list of a file.
 * @param {string} configFile
 * @param {Record<string, string[]>} [overrides]
 * @returns {Promise<Record<string, string[]>>}
 */
export async function loadSources(configFile, overrides = {}) {
  let config;
  try {
    config = parse(await readFile(configFile, "utf8")) ?? {};
  } catch (error) {
    if (error.code === "ENOENT" && Object.keys(overrides).length) config = {};
    else throw new SpecSourceError(`Cannot read the sources config ${configFile}: ${error.message}`);
  }
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new SpecSourceError(`${configFile}: expected a mapping of "<file>.yaml" to a list of sources`);
  }
  /** @type {Record<string, string[]>} */
  const sources = {};
  for (const [name, value] of Object.entries(config)) {
    checkFileName(name, configFile);
    const list = typeof value === "string" ? [value] : value;
    if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === "string" && s.trim())) {
      throw new SpecSourceError(`${configFile}: "${name}" needs one source or a list of sources (URLs or paths)`);
    }
    sources[name] = list.map((s) => resolveLocation(s.trim(), dirname(configFile)));
  }
  for (const [name, list] of Object.entries(overrides)) {
    checkFileName(name, "--source");
    sources[name] = list;
  }
  if (Object.keys(sources).length === 0) throw new SpecSourceError(`${configFile} lists no sources`);
  return sources;
}

/** The text of one source; a URL is fetched with a timeout. */
export async function readSource(location, { timeout, fetch = globalThis.fetch }) {
  if (!isUrl(location)) {
    try {
      return await readFile(location, "utf8");
    } catch (error) {
      throw new SpecSourceError(`Cannot read ${location}: ${error.message}`);
    }
  }
  let response;
  try {
    response = await fetch(location, {
      signal: AbortSignal.timeout(timeout),
      headers: { accept: "text/markdown, text/plain, application/yaml, application/json;q=0.9, */*;q=0.5" },
    });
    if (!response.ok) throw new SpecSourceError(`GET ${location} answered ${response.status} ${response.statusText}`);
    return await response.text();
  } catch (error) {
    if (error instanceof SpecSourceError) throw error;
    if (error?.name === "TimeoutError") throw new SpecSourceError(`GET ${location} timed out after ${timeout} ms`);
    const cause = error?.cause?.message ?? error?.message ?? String(error);
    throw new SpecSourceError(`GET ${location} failed: ${cause}`);
  }
}

/**
 * Reads every source and returns the new text of each vendored file. Throws
 * SpecSourceError naming the file and source at the first problem.
 * @param {Record<string, string[]>} sources
 * @returns {Promise<Record<string, string>>}
 */
export async function fetchSpecs(sources, options) {
  const entries = Object.entries(sources);
  const bodies = await Promise.all(
    entries.map(([, list]) => Promise.all(list.map((location) => readSource(location, options)))),
  );
  /** @type {Record<string, string>} */
  const texts = {};
  entries.forEach(([name, list], i) => {
    const parts = list.flatMap((location, j) => extractDocuments(bodies[i][j], location));
    texts[name] = combineDocuments(name, parts);
  });
  return texts;
}
