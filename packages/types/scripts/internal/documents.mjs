// Finds the OpenAPI documents in what a source returned, and combines the documents of
// a file's sources into the file's text, keeping upstream's own YAML where it can.
import { parse, stringify } from "yaml";
import { canonical } from "../merge.mjs";
import { SpecSourceError } from "./errors.mjs";

const isOpenApi = (doc) => doc !== null && typeof doc === "object" && !Array.isArray(doc) && "openapi" in doc;

/** Fenced ```yaml blocks of a Markdown page (any fence of 3+ backticks or tildes). */
function yamlBlocks(text) {
  const blocks = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})\s*ya?ml\b/i.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const close = lines.findIndex((line, j) => j > i && line.trim().startsWith(fence[0].repeat(fence.length)));
    if (close === -1) break;
    blocks.push(lines.slice(i + 1, close).join("\n"));
    i = close;
  }
  return blocks;
}

function parseYaml(text, where) {
  try {
    return parse(text);
  } catch (error) {
    throw new SpecSourceError(`${where} is not valid YAML: ${error.message.split("\n")[0]}`);
  }
}

/**
 * The OpenAPI documents in one source: `text` is the document's own text when it was
 * YAML (kept verbatim), null when it came as JSON.
 * @returns {{ location: string, text: string | null, doc: any }[]}
 */
export function extractDocuments(body, location) {
  const trimmed = body.trim();
  if (trimmed.startsWith("{")) {
    let doc;
    try {
      doc = JSON.parse(trimmed);
    } catch (error) {
      throw new SpecSourceError(`${location} looks like JSON but does not parse: ${error.message}`);
    }
    if (!isOpenApi(doc)) throw new SpecSourceError(`${location} is JSON but not an OpenAPI document (no "openapi")`);
    return [{ location, text: null, doc }];
  }
  const blocks = yamlBlocks(body);
  if (blocks.length) {
    const docs = blocks
      .map((text, i) => ({ location, text, doc: parseYaml(text, `${location} (yaml block ${i + 1})`) }))
      .filter((d) => isOpenApi(d.doc));
    if (docs.length) return docs;
    throw new SpecSourceError(`${location} has \`\`\`yaml blocks, but none is an OpenAPI document (no "openapi" key)`);
  }
  const doc = trimmed && !trimmed.startsWith("<") ? parseYaml(body, location) : null;
  if (isOpenApi(doc)) return [{ location, text: body, doc }];
  throw new SpecSourceError(
    `${location} has no OpenAPI document: expected a Markdown page with a \`\`\`\`yaml block, or a YAML or JSON OpenAPI document`,
  );
}

const withoutPaths = ({ paths: _paths, ...rest }) => rest;

/** Merges the `paths` of several parts into the first one; anything else must be identical. */
function combinePaths(name, parts) {
  const [first, ...rest] = parts;
  const doc = structuredClone(first.doc);
  doc.paths ??= {};
  for (const part of rest) {
    const a = withoutPaths(first.doc);
    const b = withoutPaths(part.doc);
    if (canonical(a) !== canonical(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
        (k) => canonical(a[k]) !== canonical(b[k]),
      );
      throw new SpecSourceError(
        `openapi/${name}: its sources differ outside \`paths\` (in ${keys.join(", ")}): ${first.location} and ` +
          `${part.location}. Sources combined into one file must agree on everything but their paths.`,
      );
    }
    for (const [path, item] of Object.entries(part.doc.paths ?? {})) {
      doc.paths[path] ??= {};
      const target = doc.paths[path];
      for (const [key, value] of Object.entries(item ?? {})) {
        if (key in target && canonical(target[key]) !== canonical(value)) {
          throw new SpecSourceError(
            `openapi/${name}: ${key.toUpperCase()} ${path} is defined differently in ${first.location} and ${part.location}`,
          );
        }
        target[key] = value;
      }
    }
  }
  return doc;
}

// Splices the path entries of the later parts into the first part's text, so the file
// keeps upstream's own formatting; the caller checks the result parses to the same thing.
function spliceText(parts) {
  const region = (text) => {
    const lines = text.replace(/\s+$/, "").split("\n");
    const start = lines.findIndex((line) => /^paths:\s*$/.test(line));
    if (start === -1) return null;
    let end = lines.findIndex((line, i) => i > start && /^\S/.test(line) && !line.startsWith("#"));
    if (end === -1) end = lines.length;
    let bodyEnd = end;
    while (bodyEnd > start + 1 && lines[bodyEnd - 1].trim() === "") bodyEnd--;
    return { lines, bodyEnd, body: lines.slice(start + 1, bodyEnd) };
  };
  const first = region(parts[0].text);
  if (!first) return null;
  const added = [];
  for (const part of parts.slice(1)) {
    const r = part.text === null ? null : region(part.text);
    if (!r) return null;
    added.push(...r.body);
  }
  const { lines, bodyEnd } = first;
  return `${[...lines.slice(0, bodyEnd), ...added, ...lines.slice(bodyEnd)].join("\n")}\n`;
}

/**
 * The text of one vendored file from the documents of its sources, in order.
 * @param {string} name
 * @param {{ location: string, text: string | null, doc: any }[]} parts
 */
export function combineDocuments(name, parts) {
  if (parts.length === 1) {
    const [{ text, doc }] = parts;
    return text === null ? stringify(doc) : `${text.replace(/\s+$/, "")}\n`;
  }
  const doc = combinePaths(name, parts);
  const spliced = parts.every((p) => p.text !== null) ? spliceText(parts) : null;
  if (spliced !== null) {
    try {
      if (canonical(parse(spliced)) === canonical(doc)) return spliced;
    } catch {
      // duplicate keys and the like: fall through to a re-serialised document
    }
  }
  return stringify(doc);
}
