// All-or-nothing writes: the files an update touches are saved first and put back (or
// removed, if they did not exist) when a later write fails.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Writes through a temporary file in the same folder, so a reader never sees half a file. */
export async function writeAtomic(file, text) {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, text).then(
    () => rename(temp, file),
    async (error) => {
      await rm(temp, { force: true });
      throw error;
    },
  );
}

/** Saves `files`; the returned function restores them. */
export async function savepoint(files) {
  const saved = await Promise.all(files.map(async (file) => [file, await readFile(file).catch(() => null)]));
  return () =>
    Promise.all(
      saved.map(([file, content]) => (content === null ? rm(file, { force: true }) : writeFile(file, content))),
    );
}
