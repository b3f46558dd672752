// Where each vendored spec comes from (openapi/sources.yaml, or --source), and the text
// of a spec from what a source returned: a whole OpenAPI document (YAML or JSON) or a
// documentation page in Markdown that embeds one in a ```yaml block.
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
 * The source of each file to update: only the `overrides` when there are any (the other
 * files stay as vendored, nothing is fetched for them), else every entry of the config.
 * @param {string} configFile openapi/sources.yaml
 * @param {string[]} specs the spec files openapi/surface.yaml names
 * @param {Record<string, string>} overrides file -> resolved location
 */
export async function sourcesToRead(configFile, specs, overrides) {
  const check = (name, where) => {
    if (!specs.includes(name)) {
      throw new SpecError(
        "SPEC_CONFIG",
        `${where}: ${name} is not one of the specs in openapi/surface.yaml (${specs.join(", ")})`,
      );
    }
  };
  for (const name of Object.keys(overrides)) check(name, "--source");
  if (Object.keys(overrides).length) {
    return Object.fromEntries(
      Object.entries(overrides).map(([name, at]) => [name, resolveLocation(at, process.cwd())]),
    );
  }
  let config;
  try {
    config = parse(await readFile(configFile, "utf8")) ?? {};
  } catch (error) {
    throw new SpecError("SPEC_CONFIG", `Cannot read ${configFile}: ${error.message.split("\n")[0]}`, {
      file: configFile,
    });
  }
  const sources = {};
  for (const [name, location] of Object.entries(config)) {
    check(name, configFile);
    if (typeof location !== "string" || !location.trim()) {
      throw new SpecError("SPEC_CONFIG", `${configFile}: ${name} needs one source, a URL or a path`, {
        file: configFile,
      });
    }
    sources[name] = resolveLocation(location.trim(), dirname(configFile));
  }
  return sources;
}

/** What a source returned; URLs are fetched with a timeout. */
async function readSource(location, { timeout, fetch = globalThis.fetch }) {
  if (!isUrl(location)) {
    return readFile(location, "utf8").catch((error) => {
      throw new SpecError("SPEC_SOURCE", `Cannot read ${location}: ${error.message}`, { file: location, cause: error });
    });
  }
  let response;
  try {
    response = await fetch(location, { signal: AbortSignal.timeout(timeout) });
  } catch (error) {
    const why =
      error?.name === "TimeoutError"
        ? `timed out after ${timeout} ms`
        : `failed: ${error?.cause?.message ?? error?.message}`;
    throw new SpecError("SPEC_SOURCE", `GET ${location} ${why}`, { file: location, cause: error });
  }
  if (!response.ok)
    throw new SpecError("SPEC_SOURCE", `GET ${location} answered ${response.status} ${response.statusText}`, {
      file: location,
    });
  return response.text();
}

/** The YAML of the first fenced yaml block that is an OpenAPI document, or null. */
function embedded(text) {
  for (const [, fence, body] of text.matchAll(/^(`{3,}|~{3,})[ \t]*ya?ml\b[^\n]*\n([\s\S]*?)^\1[ \t]*$/gim)) {
    if (fence && /^openapi\s*:/m.test(body)) return body;
  }
  return null;
}

/**
 * The text to vendor from one source: a YAML document as written, JSON as YAML, the
 * embedded block of a Markdown page. Parsing and linting happen later, with line numbers.
 */
export async function specText(location, options) {
  const body = await readSource(location, options);
  const trimmed = body.trim();
  if (trimmed.startsWith("{")) {
    try {
      return stringify(JSON.parse(trimmed));
    } catch (error) {
      throw new SpecError("SPEC_PARSE", `${location} looks like JSON but does not parse: ${error.message}`, {
        file: location,
      });
    }
  }
  const block = embedded(body);
  if (block !== null) return block;
  if (/^openapi\s*:/m.test(body)) return `${body.replace(/\s+$/, "")}\n`;
  throw new SpecError(
    "SPEC_SOURCE",
    `${location} holds no OpenAPI document: expected YAML or JSON with an "openapi" key, or a Markdown page with one in a \`\`\`yaml block`,
    { file: location },
  );
}
