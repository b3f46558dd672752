// All-or-nothing writes: every file an update touches is saved first, and restored (or
// removed, if it did not exist) when any later step fails.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Writes through a temporary file in the same folder, so a reader never sees half a file. */
export async function writeAtomic(file, text) {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Saves `files` and every file now in `dirs`; the returned function puts them all back
 * and deletes any file that appeared in `dirs` since.
 * @param {string[]} files
 * @param {string[]} dirs
 */
export async function savepoint(files, dirs) {
  const listing = async (dir) => (await readdir(dir).catch(() => [])).map((f) => join(dir, f));
  const saved = new Map();
  for (const file of [...files, ...(await Promise.all(dirs.map(listing))).flat()]) {
    saved.set(file, await readFile(file).catch(() => null));
  }
  return async function restore() {
    for (const dir of dirs) {
      for (const file of await listing(dir)) if (!saved.has(file)) await rm(file, { force: true });
    }
    for (const [file, content] of saved) {
      if (content === null) await rm(file, { force: true });
      else await writeFile(file, content);
    }
  };
}
