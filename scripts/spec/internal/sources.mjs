// Where each vendored spec comes from (openapi/sources.yaml, or --source), and the text
// to vendor from what a source returned: a whole OpenAPI document (YAML or JSON) or a
// Markdown documentation page that embeds one in a ```yaml block.
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { SpecError } from "./errors.mjs";

const isUrl = (location) => /^https?:\/\//i.test(location);

/** A URL stays a URL; `file:` URLs and paths become absolute paths, relative ones from `base`. */
export function resolveLocation(location, base) {
  if (isUrl(location)) return location;
  if (/^file:/i.test(location)) return fileURLToPath(location);
  return isAbsolute(location) ? location : resolve(base, location);
}

/**
 * The source of each file to update: only `overrides` when there are any (the other files
 * stay as vendored and nothing is fetched for them), else every entry of `configFile`.
 */
export async function sourcesToRead(configFile, specs, overrides = {}) {
  const fromConfig = !Object.keys(overrides).length;
  const where = fromConfig ? configFile : "--source";
  const fail = (message) => new SpecError("SPEC_CONFIG", `${where}: ${message}`, { file: where });
  const entries = fromConfig
    ? await readFile(configFile, "utf8").then(parse, (error) =>
        Promise.reject(fail(`cannot be read: ${error.message}`)),
      )
    : overrides;
  const base = fromConfig ? dirname(configFile) : process.cwd();
  return Object.fromEntries(
    Object.entries(entries ?? {}).map(([name, at]) => {
      if (!specs.includes(name))
        throw fail(`${name} is not one of the specs in openapi/surface.yaml (${specs.join(", ")})`);
      if (typeof at !== "string" || !at.trim()) throw fail(`${name} needs one source, a URL or a path`);
      return [name, resolveLocation(at.trim(), base)];
    }),
  );
}

/** What a source returned; URLs are fetched with a timeout. */
async function readSource(location, { timeout, fetch = globalThis.fetch }) {
  const fail = (why, cause) => new SpecError("SPEC_SOURCE", why, { file: location, cause });
  if (!isUrl(location))
    return readFile(location, "utf8").catch((error) =>
      Promise.reject(fail(`Cannot read ${location}: ${error.message}`, error)),
    );
  const response = await fetch(location, { signal: AbortSignal.timeout(timeout) }).catch((error) => {
    const why =
      error?.name === "TimeoutError"
        ? `timed out after ${timeout} ms`
        : `failed: ${error?.cause?.message ?? error?.message}`;
    throw fail(`GET ${location} ${why}`, error);
  });
  if (!response.ok) throw fail(`GET ${location} answered ${response.status} ${response.statusText}`);
  return response.text();
}

/** The text to vendor: YAML as written, JSON as YAML, a page's embedded block. Linted later, with lines. */
export async function specText(location, options) {
  const body = await readSource(location, options);
  if (body.trim().startsWith("{")) {
    try {
      return stringify(JSON.parse(body));
    } catch (error) {
      throw new SpecError("SPEC_PARSE", `${location} looks like JSON but does not parse: ${error.message}`, {
        file: location,
      });
    }
  }
  for (const [, , block] of body.matchAll(/^(`{3,}|~{3,})[ \t]*ya?ml\b[^\n]*\n([\s\S]*?)^\1[ \t]*$/gim)) {
    if (/^openapi\s*:/m.test(block)) return block;
  }
  if (/^openapi\s*:/m.test(body)) return `${body.replace(/\s+$/, "")}\n`;
  const expected = 'expected YAML or JSON with an "openapi" key, or a Markdown page with one in a ```yaml block';
  throw new SpecError("SPEC_SOURCE", `${location} holds no OpenAPI document: ${expected}`, { file: location });
}
