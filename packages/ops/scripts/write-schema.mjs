// Writes desired-state.schema.json from the built library's `desiredStateSchema`, the one
// source of the schema; test/schema.test.ts fails when the committed file differs.
import { writeFile } from "node:fs/promises";
import { desiredStateSchema } from "../dist/index.js";

const file = new URL("../desired-state.schema.json", import.meta.url);
await writeFile(file, `${JSON.stringify(desiredStateSchema, null, 2)}\n`);
console.log(`wrote ${file.pathname.split("/").slice(-2).join("/")}`);
