// What changed in the selected surface, classified by api-smart-diff on dereferenced
// documents (a schema moving between inline and $ref is no change), and the changeset.
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { apiDiff } from "api-smart-diff";
import { dereference, operationsOf } from "./openapi.mjs";

const LEVELS = ["patch", "minor", "major"];
// api-smart-diff judges the wire; a types package breaks more: a changed `type` or a
// removed field (even an optional one in a response) stops code compiled against the old
// types from compiling. Unclassified changes are taken as breaking.
const levelOf = (d) =>
  (d.action === "replace" && d.path.at(-1) === "type") || (d.action === "remove" && d.path.at(-2) === "properties")
    ? "major"
    : ({ breaking: "major", "non-breaking": "minor", deprecated: "minor", annotation: "patch" }[d.type] ?? "major");

const withoutComponents = ({ components: _, ...doc }) => doc;
const names = (doc) =>
  Object.entries(doc?.components ?? {}).flatMap(([kind, items]) => Object.keys(items ?? {}).map((n) => `${kind}/${n}`));

/**
 * @param {any} before the committed surface (combined.openapi.json)
 * @param {any} after the surface being written
 */
export async function diffSurfaces(before, after) {
  const [opsA, opsB, a, b] = [operationsOf(before), operationsOf(after), names(before), names(after)];
  const report = {
    removed: [...opsA.keys()].filter((id) => !opsB.has(id)),
    added: [...opsB.keys()].filter((id) => !opsA.has(id)),
    changed: new Map(),
    components: [
      ...a.filter((n) => !b.includes(n)).map((id) => ({ level: "major", message: `\`${id}\` removed` })),
      ...b.filter((n) => !a.includes(n)).map((id) => ({ level: "minor", message: `\`${id}\` added` })),
    ],
    other: [],
  };
  for (const d of apiDiff(withoutComponents(await dereference(before)), withoutComponents(await dereference(after)))) {
    const [area, path, method] = d.path;
    const id = area === "paths" && method ? `${method.toUpperCase()} ${path}` : null;
    if (area === "paths" && (!id || d.path.length === 3)) continue; // whole operations: counted above
    const change = { level: levelOf(d), message: d.description ?? `${d.action} ${d.path.join(".")}` };
    if (id) report.changed.set(id, [...(report.changed.get(id) ?? []), change]);
    else report.other.push(change);
  }
  const changes = [...report.changed.values(), report.components, report.other].flat();
  const levels = [
    ...report.removed.map(() => "major"),
    ...report.added.map(() => "minor"),
    ...changes.map((c) => c.level),
  ];
  return { ...report, bump: LEVELS.findLast((level) => levels.includes(level)) ?? null };
}

/** Operations outside the selection that an update adds, removes or changes. */
export function outsideChanges(oldDoc, newDoc, selected) {
  const [a, b] = [operationsOf(oldDoc), operationsOf(newDoc)];
  const ids = new Set([...a.keys(), ...b.keys()].filter((id) => !selected.has(id)));
  return [...ids].filter((id) => !isDeepStrictEqual(a.get(id)?.op, b.get(id)?.op)).length;
}

export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Each change that matters on its own line; documentation changes (patch) counted in one. */
function summarized(changes, indent = "  ") {
  const docs = changes.filter((c) => c.level === "patch").length;
  return [
    ...changes.filter((c) => c.level !== "patch").map((c) => `${indent}- ${c.level}: ${c.message}`),
    ...(docs ? [`${indent}- patch: ${plural(docs, "documentation change")} (descriptions, summaries, examples)`] : []),
  ];
}

const code = (id) => `- \`${id}\``;
/** The report as Markdown: printed, and the changeset's text. */
export function formatReport(report) {
  if (report.bump === null) return "No change to the selected API surface.\n";
  const sections = [
    ["Operations removed (major)", report.removed.map(code)],
    ["Operations added (minor)", report.added.map(code)],
    ["Operations changed", [...report.changed].flatMap(([id, changes]) => [code(id), ...summarized(changes)])],
    ["Components", report.components.map((c) => `- ${c.level}: ${c.message}`)],
    ["Other", summarized(report.other, "")],
  ].flatMap(([title, lines]) => (lines.length ? [`**${title}**`, "", ...lines, ""] : []));
  return `${[`The QStash flow-control API changed upstream (${report.bump}).`, "", ...sections].join("\n").trimEnd()}\n`;
}

/**
 * The changeset for a report, named after its content so the same update twice writes
 * one file. `packages`: the published packages whose files change (see openapi/README.md).
 */
export function changesetFor(report, packages) {
  if (report.bump === null) return null;
  const content = `---\n${packages.map((name) => `"${name}": ${report.bump}`).join("\n")}\n---\n\n${formatReport(report)}`;
  return { name: `spec-update-${createHash("sha256").update(content).digest("hex").slice(0, 8)}.md`, content };
}
