// All-or-nothing writes: each file goes through a temporary file in its folder (a reader
// never sees half a file), and what was there is put back if any later step fails.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** @param {Record<string, string | null>} files contents by path; null removes the file */
export async function writeAll(files) {
  const entries = Object.entries(files);
  const saved = await Promise.all(entries.map(([file]) => readFile(file).catch(() => null)));
  try {
    for (const [file, text] of entries) {
      if (text === null) {
        await rm(file, { force: true });
        continue;
      }
      await mkdir(dirname(file), { recursive: true });
      const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
      await writeFile(temp, text).then(
        () => rename(temp, file),
        (error) => rm(temp, { force: true }).then(() => Promise.reject(error)),
      );
    }
  } catch (error) {
    const restore = ([file], i) => (saved[i] === null ? rm(file, { force: true }) : writeFile(file, saved[i]));
    await Promise.all(entries.map(restore));
    throw error;
  }
}
