// `@qstash-flow/fetch/internal` holds exactly what the sibling packages import from it:
// nothing they do not use, and nothing they use is public API of this package.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import * as publicEntry from "./index.js";
import * as internalEntry from "./internal.js";

const packages = fileURLToPath(new URL("../..", import.meta.url));
const FROM_INTERNAL = /(?:import|export)\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"@qstash-flow\/fetch\/internal"/g;

/** The names every sibling package's sources import (or re-export) from `/internal`. */
function namesSiblingsUse(): Set<string> {
  const names = new Set<string>();
  for (const name of readdirSync(packages)) {
    if (name === "fetch") continue;
    const src = join(packages, name, "src");
    let files: string[];
    try {
      files = readdirSync(src, { recursive: true, encoding: "utf8" });
    } catch {
      continue;
    }
    for (const file of files.filter((f) => /\.(ts|mts|mjs)$/.test(f))) {
      for (const match of readFileSync(join(src, file), "utf8").matchAll(FROM_INTERNAL)) {
        for (const item of (match[1] as string).split(",")) {
          const imported = item
            .trim()
            .replace(/^type\s+/, "")
            .split(/\s+as\s+/)[0];
          if (imported) names.add(imported);
        }
      }
    }
  }
  return names;
}

test("/internal exports exactly the names sibling packages import from it", () => {
  expect(Object.keys(internalEntry).sort()).toEqual([...namesSiblingsUse()].sort());
});

test("what /internal exports is not also public API", () => {
  const both = Object.keys(internalEntry).filter((name) => name in publicEntry);
  expect(both).toEqual([]);
});
