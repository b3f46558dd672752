// openapi/vendored.yaml: where each vendored spec came from (repository, path, commit and
// date, or the ad hoc source) and the SHA-256 of its text, written by every update that
// vendors a file and by nothing else.
import { createHash } from "node:crypto";
import { parse, stringify } from "yaml";

export const PROVENANCE_FILE = "vendored.yaml";
const HEADER = `# Written by \`pnpm spec:update\`: where each vendored spec in this folder came from.
# Do not edit; the next update rewrites it. See README.md in this folder.
`;

export const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/**
 * The file's new text: its records (`{ spec: { repository, path, commit, date, sha256 } }`,
 * none when `old` is null) with `entries` replacing their specs' records, in the order of `specs`.
 */
export function renderProvenance(old, entries, specs) {
  const all = { ...((old && parse(old)) || {}), ...entries };
  const ordered = Object.fromEntries(
    Object.keys(all)
      .filter((name) => specs.includes(name))
      .sort((a, b) => specs.indexOf(a) - specs.indexOf(b))
      .map((name) => [name, all[name]]),
  );
  return `${HEADER}${stringify(ordered)}`;
}
