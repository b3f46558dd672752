// All-or-nothing writes: each file goes through a temporary file in its folder (a reader
// never sees half a file), and the files already replaced are put back if a later one fails.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** @param {Record<string, string | null>} files contents by path; null removes the file */
export async function writeAll(files) {
  /** @type {[string, Buffer | null][]} */
  const done = [];
  try {
    for (const [file, text] of Object.entries(files)) {
      const saved = await readFile(file).catch(() => null);
      if (text === null) await rm(file, { force: true });
      else {
        await mkdir(dirname(file), { recursive: true });
        const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
        await writeFile(temp, text)
          .then(() => rename(temp, file))
          .finally(() => rm(temp, { force: true }));
      }
      done.push([file, saved]);
    }
  } catch (error) {
    await Promise.all(
      done.map(([file, saved]) => (saved === null ? rm(file, { force: true }) : writeFile(file, saved))),
    );
    throw error;
  }
}
