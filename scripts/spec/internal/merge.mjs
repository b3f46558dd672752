// Merges the selected parts of the specs, most trusted first. An operation, component or
// server defined differently is a conflict: the first spec that defines it wins unless
// `resolve` names another, and every conflict is returned with what differs
// (api-smart-diff on dereferenced definitions, so inline and $ref compare equal).
import { isDeepStrictEqual } from "node:util";
import { apiDiff } from "api-smart-diff";
import openapiFormat from "openapi-format";
import { SpecError } from "./errors.mjs";
import { dereference, operationsOf, UNUSED } from "./openapi.mjs";
import { plural } from "./report.mjs";

const routeOf = (path) => path.replace(/\{[^}]*\}/g, "{}");
/** @param {[string, unknown]} a @param {[string, unknown]} b */
const byKey = ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0);

/** A document holding `value` at `where` and nothing else. */
function place(doc, where, value) {
  let node = doc;
  for (const key of where.slice(0, -1)) node = node[key] ??= {};
  node[where.at(-1)] = value;
  return doc;
}

const isDoc = (d) => d.path.some((p) => /^(description|summary|title|examples?|x-.*)$/.test(String(p)));

/** A component's short name (`FlowControlKey`), an operation's "METHOD /path", a server's URL. */
const shortName = (entry) => (entry.where[0] === "components" ? entry.where[2] : entry.id);

/**
 * What differs between two definitions of one entry: fields only one side has (a pair whose
 * names differ only in case, like `waitListSize` and `waitlistSize`, shown as one rename),
 * values replaced, and a count of documentation differences.
 */
function differences(winner, other) {
  const wrap = (c) => place({ openapi: "3.1.0", info: { title: "", version: "" } }, c.where, c.compare);
  const depth = winner.where.length; // paths below the entry itself
  /** @type {Record<string, string[]>} */
  const only = { [winner.file]: [], [other.file]: [] };
  /** @type {string[]} */
  const replaced = [];
  let docs = 0;
  for (const d of apiDiff(wrap(winner), wrap(other))) {
    const at = d.path
      .slice(depth)
      .filter((p) => p !== "properties")
      .join(".");
    if (isDoc(d)) docs++;
    else if (d.action === "add") only[other.file].push(at);
    else if (d.action === "remove") only[winner.file].push(at);
    // only a replaced value is printed: an added or removed one may be a recursive schema
    else
      replaced.push(
        `\`${at}\` is ${JSON.stringify(d.before)} in ${winner.file}, ${JSON.stringify(d.after)} in ${other.file}`,
      );
  }
  const name = shortName(winner);
  const [mine, theirs] = [only[winner.file], only[other.file]];
  const renamed = mine.filter((a) => theirs.some((b) => a.toLowerCase() === b.toLowerCase()));
  const pairs = renamed.map((a) => {
    const b = theirs.find((t) => t.toLowerCase() === a.toLowerCase());
    return `\`${name}.${a}\` vs \`${b}\``;
  });
  const rest = (list, file) => {
    const left = list.filter((f) => !renamed.some((r) => r.toLowerCase() === f.toLowerCase()));
    return left.length ? [`only in ${file}: ${left.map((f) => `\`${f}\``).join(", ")}`] : [];
  };
  return [
    ...pairs,
    ...replaced,
    ...rest(mine, winner.file),
    ...rest(theirs, other.file),
    ...(docs ? [plural(docs, "documentation difference")] : []),
  ];
}

/** Every selected entry of one spec as [key as `resolve` names it, entry]. */
async function entriesOf({ selected }, file) {
  const deref = await dereference(selected);
  const entries = [];
  const add = (key, id, where, value, compare = value) => entries.push([key, { file, id, where, value, compare }]);
  for (const [id, { method, path, op }] of operationsOf(selected))
    add(`${method.toUpperCase()} ${routeOf(path)}`, id, ["paths", path, method], op, deref.paths[path][method]);
  for (const [kind, items] of Object.entries(selected.components ?? {}))
    for (const [name, value] of Object.entries(items ?? {}))
      add(`${kind}/${name}`, `${kind}/${name}`, ["components", kind, name], value);
  // The servers are one entry: a merged document has one list of them, never two specs' lists.
  if (selected.servers?.length) add("servers", "servers", ["servers"], selected.servers);
  return entries;
}

/**
 * @param {{ selected: any }[]} specs in the config's order
 * @param {{ file: string, specs: string[], resolve: Record<string, string> }} config
 */
export async function mergeSpecs(specs, config) {
  const fail = (message) => new SpecError("SPEC_CONFLICT", `${config.file}: ${message}`, { file: config.file });
  const entries = new Map();
  for (const [i, spec] of specs.entries())
    for (const [key, entry] of await entriesOf(spec, config.specs[i]))
      entries.set(key, [...(entries.get(key) ?? []), entry]);
  const unknown = Object.keys(config.resolve).find((key) => !entries.has(key));
  if (unknown) throw fail(`resolve "${unknown}" names nothing in the selection; remove the entry`);

  const conflicts = [];
  const winners = [];
  for (const [key, candidates] of [...entries].sort(byKey)) {
    const named = config.resolve[key];
    const winner = candidates.find((c) => c.file === (named ?? candidates[0].file));
    if (!winner) throw fail(`resolve "${key}" names ${named}, which does not define it in the selection`);
    // Two definitions agree when they match as written (the same $refs: a conflict of the
    // component they name is reported once, as the component's) or once dereferenced
    // (inline in one file, a $ref in the other).
    const agree = (c) => isDeepStrictEqual(c.value, winner.value) || isDeepStrictEqual(c.compare, winner.compare);
    const others = candidates.filter((c) => c !== winner && !agree(c));
    const why = candidates.length > 1 ? "the specs agree on it" : `only ${named} defines it`;
    if (named && !others.length) throw fail(`resolve "${key}" resolves nothing (${why}); remove the entry`);
    winners.push(winner);
    for (const other of others) {
      const id = winner.id === other.id ? winner.id : `${winner.id} / ${other.id}`;
      const [declared, diff] = [Boolean(named), differences(winner, other)];
      const name = shortName(winner);
      conflicts.push({ id, key, name, winner: winner.file, other: other.file, declared, differences: diff });
    }
  }

  const first = specs[0].selected;
  const doc = {
    openapi: first.openapi,
    info: {
      title: "QStash flow control (selected surface)",
      version: first.info?.version ?? "0.0.0",
      description: `Merged from ${config.specs.join(", ")} by openapi/surface.yaml.`,
    },
    servers: [],
    security: specs
      .flatMap((s) => s.selected.security ?? [])
      .filter((r, i, all) => all.findIndex((o) => isDeepStrictEqual(o, r)) === i),
    paths: {},
    components: {},
  };
  const spelled = new Map();
  for (const { where, value } of winners) {
    if (where[0] === "servers") doc.servers = value;
    else place(doc, where, value);
    if (where[0] !== "paths") continue;
    const [route, before] = [routeOf(where[1]), spelled.get(routeOf(where[1]))];
    if (before && before !== where[1])
      throw fail(
        `route ${route} is spelled ${before} and ${where[1]} by the operations chosen; resolve them to one spec`,
      );
    spelled.set(route, where[1]);
  }
  doc.paths = Object.fromEntries(Object.entries(doc.paths).sort(byKey));
  // A component only a losing definition used is dropped; a spec none of whose entries
  // is left adds nothing to the types, and the update says so.
  const { data: merged } = await openapiFormat.openapiFilter(doc, { filterSet: { unusedComponents: UNUSED } });
  const kept = ({ where: [area, kind, name] }) =>
    area !== "components" || merged.components?.[kind]?.[name] !== undefined;
  const used = new Set(winners.filter(kept).map((w) => w.file));
  return { doc: merged, conflicts, idle: config.specs.filter((file) => !used.has(file)) };
}

/** One line per conflict: "FlowControlKey: qstash.yaml won over workflow.yaml (order of specs): `FlowControlKey.waitListSize` vs `waitlistSize`". */
export const formatConflict = (c) =>
  `${c.name}: ${c.winner} won over ${c.other} (${c.declared ? `resolve "${c.key}"` : "order of specs"}): ${c.differences.join("; ") || "defined differently"}`;
