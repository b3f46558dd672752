// Turns a diff report into text: the same Markdown is printed to the terminal and used as
// the changeset's description, so the changelog says exactly what the update changed.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** @typedef {import("../diff.mjs").Report} Report */

const code = (text) => `\`${text}\``;

function section(title, items) {
  return items.length ? [`**${title}**`, "", ...items, ""] : [];
}

const changeLines = (changes) => changes.map((c) => `  - ${c.level}: ${c.message}`);

/** One line per operation in the summary sentence. */
function summary(report) {
  const { operations, components } = report;
  const parts = [
    [operations.added.length, "operation added", "operations added"],
    [operations.removed.length, "operation removed", "operations removed"],
    [operations.changed.length, "operation changed", "operations changed"],
    [
      components.added.length + components.removed.length + components.changed.length,
      "schema change",
      "schema changes",
    ],
    [report.servers.length, "server change", "server changes"],
    [report.docs.length, "documentation change", "documentation changes"],
  ]
    .filter(([n]) => n > 0)
    .map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
  return parts.join(", ");
}

/**
 * The report as Markdown.
 * @param {Report} report
 */
export function formatReport(report) {
  if (report.bump === null) return "No change to the API surface.\n";
  const { operations, components } = report;
  const op = (o) => `- ${code(o.id)}${o.summary ? ` (${o.summary})` : ""}`;
  const lines = [
    `The QStash flow-control API changed upstream (${report.bump}): ${summary(report)}.`,
    "",
    ...section("Operations removed", operations.removed.map(op)),
    ...section("Operations added", operations.added.map(op)),
    ...section(
      "Operations changed",
      operations.changed.flatMap((o) => [op(o), ...changeLines(o.changes)]),
    ),
    ...section("Schemas changed", [
      ...components.removed.map((id) => `- ${code(id)} removed (major)`),
      ...components.added.map((id) => `- ${code(id)} added (minor)`),
      ...components.changed.flatMap((c) => [
        `- ${code(c.id)}${c.usedBy.length ? ` (used by ${c.usedBy.map(code).join(", ")})` : ""}`,
        ...changeLines(c.changes),
      ]),
    ]),
    ...section(
      "Servers",
      report.servers.map((c) => `- ${c.level}: ${c.message}`),
    ),
    ...section(
      "Other",
      report.other.map((c) => `- ${c.level}: ${c.message}`),
    ),
    ...section(
      "Documentation only",
      report.docs.map((d) => `- ${d.where}: ${d.message}`),
    ),
  ];
  return `${lines.join("\n").trimEnd()}\n`;
}

/**
 * The published packages a changeset names: the types package always; with a minor or
 * major bump also every published package that depends on it at runtime, since those
 * re-export or are typed by the generated types and change with them. A patch (comments
 * only) is left to changesets' own dependent bumps.
 * @param {string} packagesDir
 * @param {string} typesName
 * @param {"patch" | "minor" | "major"} bump
 */
export async function affectedPackages(packagesDir, typesName, bump) {
  const names = [typesName];
  if (bump === "patch") return names;
  for (const folder of (await readdir(packagesDir, { withFileTypes: true })).filter((d) => d.isDirectory())) {
    let pkg;
    try {
      pkg = JSON.parse(await readFile(join(packagesDir, folder.name, "package.json"), "utf8"));
    } catch {
      continue;
    }
    if (pkg.private || pkg.name === typesName) continue;
    if (pkg.dependencies?.[typesName] || pkg.peerDependencies?.[typesName]) names.push(pkg.name);
  }
  return [typesName, ...names.slice(1).sort()];
}

/**
 * The changeset file for a report: a name derived from its content, so running the same
 * update twice writes the same file instead of a second release note.
 * @param {Report} report
 * @param {string[]} packages
 */
export function changesetFor(report, packages) {
  if (report.bump === null) return null;
  const frontmatter = packages.map((name) => `"${name}": ${report.bump}`).join("\n");
  const content = `---\n${frontmatter}\n---\n\n${formatReport(report)}`;
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 8);
  return { name: `spec-update-${hash}.md`, content };
}
