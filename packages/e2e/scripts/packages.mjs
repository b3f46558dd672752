// The one answer to "which packages do we publish?", shared by the package checks, the
// release test and the meta test: every packages/*/package.json that is not private.
// New packages join every check by existing; nobody has to list them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The workspace root (two levels above this package). */
export const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * @typedef {object} WorkspacePackage
 * @property {string} name the package name, e.g. "@qstash-flow/fetch"
 * @property {string} folder the folder under packages/
 * @property {string} dir the absolute path of the package
 * @property {Record<string, any>} manifest its package.json
 */

/**
 * Every package under `root/packages`, sorted by folder.
 * @param {string} [root]
 * @returns {WorkspacePackage[]}
 */
export function workspacePackages(root = workspaceRoot) {
  const packagesDir = join(root, "packages");
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, "package.json")))
    .map((entry) => {
      const dir = join(packagesDir, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      return { name: manifest.name, folder: entry.name, dir, manifest };
    })
    .sort((a, b) => a.folder.localeCompare(b.folder));
}

/**
 * The packages that go to npm: all but the private ones.
 * @param {string} [root]
 * @returns {WorkspacePackage[]}
 */
export function publishedPackages(root = workspaceRoot) {
  return workspacePackages(root).filter((pkg) => pkg.manifest.private !== true);
}
