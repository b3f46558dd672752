// What changed in the selected surface, judged by what a user of @qstash-flow/types can
// reference, and the report and changeset that say it. api-smart-diff compares
// dereferenced documents (a schema moving between inline and $ref is no change).
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { apiDiff } from "api-smart-diff";
import { dereference, operationsOf } from "./openapi.mjs";

const LEVELS = ["patch", "minor", "major"];
// Wording: nothing a type can reference. openapi-typescript copies it into comments only.
const WORDING = /^(description|summary|title|examples?|externalDocs|x-.*)$/;
// Validation keywords openapi-typescript does not turn into types.
const VALIDATION =
  /^(minimum|maximum|exclusiveMinimum|exclusiveMaximum|multipleOf|minLength|maxLength|pattern|minItems|maxItems|uniqueItems|minProperties|maxProperties|default)$/;

/**
 * The level of one difference for a types package. api-smart-diff judges the wire; a
 * types user breaks on more: a changed `type` or a removed field (even an optional one in
 * a response) stops code compiled against the old types. Unclassified changes are taken
 * as breaking unless they are wording or validation, which no type holds.
 */
export function levelOf(d) {
  if (d.path.some((p) => WORDING.test(String(p)))) return "patch";
  if (d.path.some((p) => VALIDATION.test(String(p)))) return "patch";
  if ((d.action === "replace" && d.path.at(-1) === "type") || (d.action === "remove" && d.path.at(-2) === "properties"))
    return "major";
  return { breaking: "major", "non-breaking": "minor", deprecated: "minor", annotation: "patch" }[d.type] ?? "major";
}

const withoutComponents = ({ components: _, ...doc }) => doc;
// openapi-typescript leaves security schemes out of `components`: no user can name them.
const names = (doc) =>
  Object.entries(doc?.components ?? {})
    .filter(([kind]) => kind !== "securitySchemes")
    .flatMap(([kind, items]) => Object.keys(items ?? {}).map((n) => `${kind}/${n}`));
const importable = (id) => {
  const [kind, name] = id.split("/");
  return `components["${kind}"]["${name}"]`;
};

/**
 * @param {any} before the committed surface (combined.openapi.json)
 * @param {any} after the surface being written
 */
export async function diffSurfaces(before, after) {
  const [opsA, opsB, a, b] = [operationsOf(before), operationsOf(after), names(before), names(after)];
  /** @typedef {{ level: string, message: string, named?: boolean }} Change */
  const report = {
    removed: [...opsA.keys()].filter((id) => !opsB.has(id)),
    added: [...opsB.keys()].filter((id) => !opsA.has(id)),
    /** @type {Map<string, Change[]>} */
    changed: new Map(),
    components: [
      ...a.filter((n) => !b.includes(n)).map((id) => ({ level: "major", message: `\`${importable(id)}\` removed` })),
      ...b.filter((n) => !a.includes(n)).map((id) => ({ level: "minor", message: `\`${importable(id)}\` added` })),
    ],
    servers: isDeepStrictEqual(before.servers ?? [], after.servers ?? [])
      ? null
      : { before: (before.servers ?? []).map((s) => s.url), after: (after.servers ?? []).map((s) => s.url) },
    /** @type {Change[]} */
    other: [],
  };
  const docs = [withoutComponents(await dereference(before)), withoutComponents(await dereference(after))];
  for (const d of apiDiff(docs[0], docs[1])) {
    const [area, path, method] = d.path.map(String);
    // servers: reported as a whole, above; info: the merged document's, written by this project
    if (area === "servers" || area === "info") continue;
    if (area === "security") {
      report.other.push({ level: "patch", message: "[Changed] security requirements (not in the types)", named: true });
      continue;
    }
    const id = area === "paths" && method ? `${method.toUpperCase()} ${path}` : null;
    if (area === "paths" && (!id || d.path.length === 3)) continue; // whole operations: counted above
    const change = { level: levelOf(d), message: d.description ?? `${d.action} ${d.path.join(".")}` };
    if (id) report.changed.set(id, [...(report.changed.get(id) ?? []), change]);
    else report.other.push(change);
  }
  return report;
}

/** The bump of a whole report: the largest level in it, or null when nothing changed. */
export function bumpOf(report) {
  const changes = [...report.changed.values(), report.components, report.other].flat();
  const levels = [
    ...report.removed.map(() => "major"),
    ...report.namespaces.removed.map(() => "major"),
    ...report.added.map(() => "minor"),
    ...report.namespaces.added.map(() => "minor"),
    ...(report.servers ? ["patch"] : []),
    ...changes.map((c) => c.level),
  ];
  return LEVELS.findLast((level) => levels.includes(level)) ?? null;
}

/** Operations outside the selection that an update adds, removes or changes, by id. */
export function outsideChanges(oldDoc, newDoc, selected) {
  const [a, b] = [operationsOf(oldDoc), operationsOf(newDoc)];
  const ids = [...new Set([...a.keys(), ...b.keys()])].filter((id) => !selected.has(id));
  return ids.flatMap((id) => {
    if (!a.has(id)) return [{ id, change: "added" }];
    if (!b.has(id)) return [{ id, change: "removed" }];
    return isDeepStrictEqual(a.get(id).op, b.get(id).op) ? [] : [{ id, change: "changed" }];
  });
}

export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const code = (id) => `- \`${id}\``;
/** At most `max` entries, the rest counted. */
const collapsed = (list, max = 10) =>
  list.length > max ? [...list.slice(0, max), `- ... and ${list.length - max} more`] : list;

/** Each change that matters on its own line; wording and validation (patch) counted in one. */
function summarized(changes, indent = "  ") {
  const counted = (c) => c.level === "patch" && !c.named;
  const docs = changes.filter(counted).length;
  return [
    ...changes.filter((c) => !counted(c)).map((c) => `${indent}- ${c.level}: ${c.message}`),
    ...(docs ? [`${indent}- patch: ${plural(docs, "wording or validation change")} (no type changes)`] : []),
  ];
}

const sectionsOf = (blocks) =>
  blocks.flatMap(([title, lines]) => (lines.length ? [`**${title}**`, "", ...lines, ""] : []));

/** What a user of the types must know: the changeset's text, and the top of the report. */
export function formatChanges(report) {
  const { servers } = report;
  return sectionsOf([
    ["Operations removed (major)", report.removed.map(code)],
    ["Exports removed (major)", report.namespaces.removed.map((n) => `- \`${n}\`: its spec left openapi/surface.yaml`)],
    ["Operations added (minor)", report.added.map(code)],
    ["Exports added (minor)", report.namespaces.added.map((n) => `- \`${n}\`: the selected part of a new spec`)],
    ["Operations changed", [...report.changed].flatMap(([id, changes]) => [code(id), ...summarized(changes)])],
    ["Components", report.components.map((c) => `- ${c.level}: ${c.message}`)],
    [
      "Servers (patch: not in the types; the clients' base URLs may need to follow)",
      servers
        ? [`- before: ${servers.before.join(", ") || "none"}`, `- after: ${servers.after.join(", ") || "none"}`]
        : [],
    ],
    ["Other", summarized(report.other, "")],
    ["Where the specs disagree (the types follow the winner)", report.conflicts.map((c) => `- ${c}`)],
  ]);
}

/** The whole report, as Markdown. */
export function formatReport(report) {
  const head = report.bump
    ? `The selected QStash flow-control API changed upstream (${report.bump}).`
    : "No change to the selected API surface.";
  const selected = `${plural(report.selected.length, "operation")} selected: ${report.selected.join(", ")}.`;
  const outside = report.outside.length
    ? [
        `${plural(report.outside.length, "operation")} outside the selection changed (carried along, not generated):`,
        ...collapsed(report.outside.map((o) => `- \`${o.id}\` (${o.change}, ${o.file})`)),
      ]
    : [];
  const unneeded = report.unneeded.map((id) => `select.exclude "${id}" matches no operation any more; remove it.`);
  const body = report.bump
    ? formatChanges(report)
    : sectionsOf([["Where the specs disagree", report.conflicts.map((c) => `- ${c}`)]]);
  return `${[head, "", selected, "", ...body, ...outside, ...(outside.length ? [""] : []), ...unneeded].join("\n").trimEnd()}\n`;
}

/**
 * The changeset for a report, named after its content so the same update twice writes
 * one file. `packages`: the published packages whose files change (see openapi/README.md).
 */
export function changesetFor(report, packages) {
  if (report.bump === null) return null;
  const head = `The QStash flow-control API changed upstream (${report.bump}).\n\n`;
  const content = `---\n${packages.map((name) => `"${name}": ${report.bump}`).join("\n")}\n---\n\n${head}${formatChanges(report).join("\n").trimEnd()}\n`;
  return { name: `spec-update-${createHash("sha256").update(content).digest("hex").slice(0, 8)}.md`, content };
}
