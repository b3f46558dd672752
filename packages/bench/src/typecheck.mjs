// Type-check cost of a consumer file that calls every operation: tsc --noEmit time and
// the compiler's own counters (--extendedDiagnostics), per fixture in typecheck/.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./stats.mjs";

const FIXTURES = fileURLToPath(new URL("../typecheck/", import.meta.url));
const TSC = createRequire(import.meta.url).resolve("typescript/lib/tsc.js");

export const TYPECHECK_FIXTURES = [
  { id: "wrapper", label: "FlowControl, every operation (ours)", file: "wrapper.ts" },
  { id: "typed", label: "typed client, every operation (ours)", file: "typed-client.ts" },
  { id: "official", label: "@upstash/qstash, every flowControl operation", file: "official-sdk.ts" },
  { id: "empty", label: "an empty file (floor)", file: "empty.ts" },
];

/** "Instantiations:   10254" -> { Instantiations: 10254 }; times in seconds, memory in K. */
export function parseDiagnostics(output) {
  const values = {};
  for (const line of output.split("\n")) {
    const match = /^([A-Za-z][\w ]*?):\s+([\d.]+)[sK]?\s*$/.exec(line.trim());
    if (match) values[match[1]] = Number(match[2]);
  }
  return values;
}

/** One `tsc --noEmit --extendedDiagnostics` over `file` alone, with the fixtures' compiler options. */
async function checkOnce(file, dir) {
  const config = join(dir, `${file}.json`);
  await writeFile(config, JSON.stringify({ extends: join(FIXTURES, "tsconfig.json"), files: [join(FIXTURES, file)] }));
  const start = performance.now();
  const result = spawnSync(process.execPath, [TSC, "-p", config, "--noEmit", "--extendedDiagnostics"], {
    encoding: "utf8",
  });
  const wall = performance.now() - start;
  if (result.status !== 0) throw new Error(`tsc failed on ${file}:\n${result.stdout}${result.stderr}`);
  return { wall, diagnostics: parseDiagnostics(result.stdout) };
}

/** @returns {Promise<{ id: string, label: string, wall: number, check: number, total: number, instantiations: number, types: number, memoryK: number }[]>} */
export async function measureTypecheck({ runs = 3, fixtures = TYPECHECK_FIXTURES } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "qstash-flow-tsc-"));
  try {
    const samples = Object.fromEntries(fixtures.map((f) => [f.id, []]));
    for (let run = 0; run < runs; run++) {
      for (const fixture of fixtures) samples[fixture.id].push(await checkOnce(fixture.file, dir));
    }
    return fixtures.map(({ id, label }) => {
      const all = samples[id];
      const last = all.at(-1).diagnostics;
      return {
        id,
        label,
        wall: median(all.map((s) => s.wall)),
        check: median(all.map((s) => s.diagnostics["Check time"] * 1000)),
        total: median(all.map((s) => s.diagnostics["Total time"] * 1000)),
        // Counters do not vary between runs.
        instantiations: last.Instantiations,
        types: last.Types,
        memoryK: last["Memory used"],
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
