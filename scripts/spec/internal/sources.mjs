// Where each vendored spec comes from and what it says: upstream's repository named in
// openapi/sources.yaml (read over HTTPS, or from a local clone with --repo), or an ad hoc
// --source. Every read returns the text and its provenance (repository, path, commit,
// date), which the update records in openapi/vendored.yaml.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { basename, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import { SpecError } from "./errors.mjs";

const isUrl = (location) => /^https?:\/\//i.test(location);
const GITHUB = /^(?:https:\/\/github\.com\/)?([\w.-]+\/[\w.-]+?)(?:\.git)?$/;

/** A URL stays a URL; `file:` URLs and paths become absolute paths, relative ones from `base`. */
export function resolveLocation(location, base) {
  if (isUrl(location)) return location;
  if (/^file:/i.test(location)) return fileURLToPath(location);
  return isAbsolute(location) ? location : resolve(base, location);
}

/** openapi/sources.yaml: `repository` (GitHub "owner/name"), `ref`, and `files` (spec -> path in it). */
export async function readSourcesConfig(file, specs) {
  const fail = (message) => new SpecError("SPEC_CONFIG", `${file}: ${message}`, { file });
  const config = await readFile(file, "utf8").then(parse, (error) =>
    Promise.reject(fail(`cannot be read: ${error.message}`)),
  );
  const { repository, ref = "main", files } = config ?? {};
  const [, name] = GITHUB.exec(String(repository ?? "")) ?? [];
  if (!name) throw fail('"repository" must name a GitHub repository, "owner/name"');
  if (typeof ref !== "string" || !ref.trim()) throw fail('"ref" must be a branch, tag or commit');
  if (!files || typeof files !== "object") throw fail('"files" must map spec files to paths in the repository');
  for (const [spec, path] of Object.entries(files)) {
    if (!specs.includes(spec))
      throw fail(`${spec} is not one of the specs in openapi/surface.yaml (${specs.join(", ")})`);
    if (typeof path !== "string" || !path.trim()) throw fail(`${spec} needs a path in ${name}`);
  }
  return { repository: `https://github.com/${name}`, name, ref, files };
}

/** The commit that last changed `path` at `ref` of a local clone (work tree or bare), and the text there. */
async function fromClone(dir, ref, path) {
  const git = (...args) => promisify(execFile)("git", ["-C", dir, ...args], { maxBuffer: 64 << 20 });
  const fail = (why, cause) => new SpecError("SPEC_SOURCE", `${dir} (${ref}:${path}): ${why}`, { file: path, cause });
  const log = await git("log", "-1", "--format=%H%n%cI", ref, "--", path).catch((error) =>
    Promise.reject(
      fail(`not a readable git repository or no such ref: ${error.stderr?.trim() || error.message}`, error),
    ),
  );
  const [commit, date] = log.stdout.trim().split("\n");
  if (!commit) throw fail("no commit at this ref has the file");
  const { stdout: text } = await git("show", `${commit}:${path}`);
  return { text, commit, date };
}

/** The same over HTTPS: GitHub's API names the commit, the text is read at that commit. */
async function fromGitHub(name, ref, path, options) {
  const { githubApi = "https://api.github.com", githubRaw = "https://raw.githubusercontent.com" } = options;
  const query = new URLSearchParams({ sha: ref, path, per_page: "1" });
  const [latest] = JSON.parse(await readUrl(`${githubApi}/repos/${name}/commits?${query}`, options));
  if (!latest?.sha) throw new SpecError("SPEC_SOURCE", `${name}: no commit at ${ref} has ${path}`, { file: path });
  const text = await readUrl(`${githubRaw}/${name}/${latest.sha}/${path}`, options);
  return { text, commit: latest.sha, date: latest.commit?.committer?.date ?? null };
}

async function readUrl(location, { timeout, fetch = globalThis.fetch }) {
  const fail = (why, cause) => new SpecError("SPEC_SOURCE", `GET ${location} ${why}`, { file: location, cause });
  const response = await fetch(location, { signal: AbortSignal.timeout(timeout) }).catch((error) => {
    throw fail(
      error?.name === "TimeoutError"
        ? `timed out after ${timeout} ms`
        : `failed: ${error?.cause?.message ?? error?.message}`,
      error,
    );
  });
  if (!response.ok) throw fail(`answered ${response.status} ${response.statusText}`);
  return response.text();
}

/**
 * Reads one spec. `source` is { repository, name, ref, path, clone? } for upstream's repository
 * (over HTTPS, or from the local clone `clone`), or { location } for an ad hoc --source.
 * @returns {Promise<{ text: string, provenance: Record<string, string> }>}
 */
export async function readSpecSource(source, options) {
  if (source.location !== undefined) {
    const { location } = source;
    const body = isUrl(location)
      ? await readUrl(location, options)
      : await readFile(location, "utf8").catch((error) =>
          Promise.reject(
            new SpecError("SPEC_SOURCE", `Cannot read ${location}: ${error.message}`, { file: location, cause: error }),
          ),
        );
    // a path is recorded by its name only: the vendored files say nothing of one machine
    return { text: specText(body, location), provenance: { source: isUrl(location) ? location : basename(location) } };
  }
  const { repository, name, ref, path, clone } = source;
  const read = clone ? await fromClone(clone, ref, path) : await fromGitHub(name, ref, path, options);
  // one spelling of time in the record, whichever way it was read: UTC, to the second
  const date = read.date && new Date(read.date).toISOString().replace(/\.\d{3}Z$/, "Z");
  const where = { repository, path, commit: read.commit, date };
  return { text: specText(read.text, `${repository} ${path}`), provenance: where };
}

const isDocument = (body) => {
  try {
    return typeof parse(body)?.openapi === "string";
  } catch {
    return false; // a Markdown page, or a malformed document the lint names with its line
  }
};

/** The text to vendor: YAML as written, JSON as YAML, a page's embedded block. Linted later, with lines. */
export function specText(body, location) {
  if (body.trim().startsWith("{")) {
    try {
      return stringify(JSON.parse(body));
    } catch (error) {
      throw new SpecError(
        "SPEC_PARSE",
        `${location} looks like JSON but does not parse: ${/** @type {Error} */ (error).message}`,
        {
          file: location,
        },
      );
    }
  }
  if (isDocument(body)) return body;
  for (const [, , block] of body.matchAll(/^(`{3,}|~{3,})[ \t]*ya?ml\b[^\n]*\n([\s\S]*?)^\1[ \t]*$/gim)) {
    if (/^openapi\s*:/m.test(block)) return block;
  }
  if (/^openapi\s*:/m.test(body)) return body;
  const expected = 'expected YAML or JSON with an "openapi" key, or a Markdown page with one in a ```yaml block';
  throw new SpecError("SPEC_SOURCE", `${location} holds no OpenAPI document: ${expected}`, { file: location });
}
