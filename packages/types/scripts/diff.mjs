// Compares two merged OpenAPI surfaces (the old and new combined.openapi.json) operation
// by operation and says what a release has to announce. Pure: no I/O.
//
// Bumps: a removed operation or anything that breaks existing callers is major; anything
// only added (an operation, an optional parameter, a response field, a server) is minor;
// descriptions and summaries alone are a patch; no difference at all is no release.
import { diffDocKeys, diffOperation } from "./internal/operation-diff.mjs";
import { inheritParameters, resolver } from "./internal/parameters.mjs";
import { DOC_KEYS, diffSchema, maxLevel } from "./internal/schema-diff.mjs";
import { canonical } from "./merge.mjs";

export { maxLevel } from "./internal/schema-diff.mjs";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/**
 * @typedef {import("./internal/schema-diff.mjs").Level} Level
 * @typedef {import("./internal/schema-diff.mjs").Change} Change
 * @typedef {import("./internal/schema-diff.mjs").DocChange} DocChange
 * @typedef {{ id: string, method: string, path: string, summary?: string }} OperationRef
 * @typedef {OperationRef & { changes: Change[] }} OperationChange
 * @typedef {{ id: string, usedBy: string[], changes: Change[] }} ComponentChange
 * @typedef {{
 *   operations: { added: OperationRef[], removed: OperationRef[], changed: OperationChange[] },
 *   components: { added: string[], removed: string[], changed: ComponentChange[] },
 *   servers: Change[], other: Change[], docs: DocChange[], bump: Level | null }} Report
 */

/** Every operation of a document, path-level parameters pushed down into it. */
function operationsOf(doc) {
  const ops = new Map();
  const resolve = resolver(doc);
  for (const [path, item] of Object.entries(doc?.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const parameters = inheritParameters(item.parameters, op.parameters, resolve);
      const id = `${method.toUpperCase()} ${path}`;
      ops.set(id, { id, method: method.toUpperCase(), path, op: { ...op, parameters } });
    }
  }
  return ops;
}

/** "METHOD /path" of every operation of a document. */
export const operationIds = (doc) => [...operationsOf(doc).keys()];

/** Which components each operation reaches, and whether as input or output. */
function usage(doc) {
  const resolve = resolver(doc);
  /** @type {Map<string, { directions: Set<string>, operations: Set<string> }>} */
  const used = new Map();
  const walk = (value, direction, id, seen) => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, direction, id, seen);
      return;
    }
    if (!value || typeof value !== "object") return;
    if (typeof value.$ref === "string" && !seen.has(value.$ref)) {
      seen.add(value.$ref);
      const entry = used.get(value.$ref) ?? { directions: new Set(), operations: new Set() };
      entry.directions.add(direction);
      entry.operations.add(id);
      used.set(value.$ref, entry);
      walk(resolve(value.$ref), direction, id, seen);
    }
    for (const [key, child] of Object.entries(value)) if (key !== "$ref") walk(child, direction, id, seen);
  };
  for (const { id, op } of operationsOf(doc).values()) {
    walk([op.parameters, op.requestBody], "request", id, new Set());
    walk(op.responses, "response", id, new Set());
  }
  return used;
}

/** Drops documentation keys everywhere except inside `properties`, where they are field names. */
function stripDocs(value) {
  if (Array.isArray(value)) return value.map(stripDocs);
  if (!value || typeof value !== "object") return value;
  const out = {};
  for (const [key, child] of Object.entries(value)) {
    if (DOC_KEYS.includes(key) || key === "deprecated") continue;
    out[key] =
      key === "properties" && child && typeof child === "object"
        ? Object.fromEntries(Object.entries(child).map(([k, v]) => [k, stripDocs(v)]))
        : stripDocs(child);
  }
  return out;
}

function diffServers(before, after, report) {
  const a = new Map((before ?? []).map((s) => [s.url, s]));
  const b = new Map((after ?? []).map((s) => [s.url, s]));
  for (const url of a.keys())
    if (!b.has(url)) report.servers.push({ level: "major", message: `server ${url} removed` });
  for (const [url, server] of b) {
    const old = a.get(url);
    if (!old) {
      report.servers.push({ level: "minor", message: `server ${url} added` });
      continue;
    }
    diffDocKeys(old, server, ["description"], `server ${url}`, report);
    const varsA = old.variables ?? {};
    const varsB = server.variables ?? {};
    for (const name of new Set([...Object.keys(varsA), ...Object.keys(varsB)])) {
      const x = varsA[name];
      const y = varsB[name];
      const label = `server ${url} variable \`${name}\``;
      if (!y) report.servers.push({ level: "major", message: `${label} removed` });
      else if (!x) report.servers.push({ level: "major", message: `${label} added` });
      else {
        const out = { changes: [], docs: [] };
        diffSchema(x, y, {
          direction: "request",
          where: label,
          resolveA: () => undefined,
          resolveB: () => undefined,
          out,
        });
        report.servers.push(...out.changes);
        report.docs.push(...out.docs);
      }
    }
  }
}

/**
 * @param {any} before the old merged document
 * @param {any} after the new merged document
 * @returns {Report}
 */
export function diffSurfaces(before, after) {
  /** @type {Report} */
  const report = {
    operations: { added: [], removed: [], changed: [] },
    components: { added: [], removed: [], changed: [] },
    servers: [],
    other: [],
    docs: [],
    bump: null,
  };
  const resolveA = resolver(before);
  const resolveB = resolver(after);
  const opsA = operationsOf(before);
  const opsB = operationsOf(after);
  const ref = ({ id, method, path, op }) => ({ id, method, path, ...(op.summary ? { summary: op.summary } : {}) });

  for (const [id, entry] of opsA) if (!opsB.has(id)) report.operations.removed.push(ref(entry));
  for (const [id, entry] of opsB) {
    const old = opsA.get(id);
    if (!old) {
      report.operations.added.push(ref(entry));
      continue;
    }
    const out = { changes: [], docs: [] };
    diffOperation(old.op, entry.op, { scope: id, where: "", direction: "request", resolveA, resolveB, out });
    report.docs.push(...out.docs);
    if (out.changes.length) report.operations.changed.push({ ...ref(entry), changes: out.changes });
  }

  const usedA = usage(before);
  const usedB = usage(after);
  for (const kind of new Set([...Object.keys(before?.components ?? {}), ...Object.keys(after?.components ?? {})])) {
    const a = before?.components?.[kind] ?? {};
    const b = after?.components?.[kind] ?? {};
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const id = `${kind}/${name}`;
      if (!(name in b)) report.components.removed.push(id);
      else if (!(name in a)) report.components.added.push(id);
      else if (canonical(a[name]) === canonical(b[name])) continue;
      else if (canonical(stripDocs(a[name])) === canonical(stripDocs(b[name])) && kind !== "schemas") {
        report.docs.push({ where: id, message: "description changed" });
      } else if (kind === "schemas") {
        const pointer = `#/components/schemas/${name}`;
        const directions = new Set([
          ...(usedA.get(pointer)?.directions ?? []),
          ...(usedB.get(pointer)?.directions ?? []),
        ]);
        // unused or used both ways: every narrowing and widening counts as breaking
        const direction = directions.size === 1 ? [...directions][0] : "both";
        const out = { changes: [], docs: [] };
        diffSchema(a[name], b[name], { direction, where: "", scope: id, resolveA, resolveB, out });
        report.docs.push(...out.docs);
        const usedBy = [
          ...new Set([...(usedA.get(pointer)?.operations ?? []), ...(usedB.get(pointer)?.operations ?? [])]),
        ];
        if (out.changes.length) report.components.changed.push({ id, usedBy: usedBy.sort(), changes: out.changes });
      } else if (kind !== "parameters" && kind !== "requestBodies" && kind !== "responses") {
        // those three are compared inside each operation that uses them
        report.components.changed.push({ id, usedBy: [], changes: [{ level: "major", message: "changed" }] });
      }
    }
  }

  diffServers(before?.servers, after?.servers, report);
  if (canonical(before?.security) !== canonical(after?.security)) {
    report.other.push({ level: "major", message: "global security requirements changed" });
  }
  if (before?.openapi !== after?.openapi) {
    report.other.push({ level: "minor", message: `OpenAPI version ${before?.openapi} → ${after?.openapi}` });
  }
  if (before?.info?.version !== after?.info?.version) {
    report.docs.push({ where: "info", message: `API version ${before?.info?.version} → ${after?.info?.version}` });
  }
  diffDocKeys(before?.info, after?.info, ["title", "description"], "info", report);
  if (canonical(before?.tags) !== canonical(after?.tags)) report.docs.push({ where: "tags", message: "tags changed" });

  report.bump = bumpOf(report);
  return report;
}

/** The release a report calls for: the largest level of anything in it, or null for none. */
export function bumpOf(report) {
  const levels = [
    ...report.operations.removed.map(() => "major"),
    ...report.operations.added.map(() => "minor"),
    ...report.components.removed.map(() => "major"),
    ...report.components.added.map(() => "minor"),
    ...[...report.operations.changed, ...report.components.changed].flatMap((c) => c.changes.map((x) => x.level)),
    ...report.servers.map((c) => c.level),
    ...report.other.map((c) => c.level),
    ...report.docs.map(() => "patch"),
  ];
  return maxLevel(...levels);
}
