// Code generation: render() of scripts/spec/generate.mjs (what `pnpm generate` runs: lint,
// selection, merge, openapi-typescript) on the vendored specs and on a large synthetic
// spec, and a warm `pnpm build` (everything a turbo cache hit).
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bigSpec } from "./big-spec.mjs";
import { median } from "./stats.mjs";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const GENERATOR = new URL("../../../scripts/spec/generate.mjs", import.meta.url);

async function timeRender(render, openapiDir, runs) {
  const times = [];
  let files = {};
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    files = await render({ openapiDir });
    times.push(performance.now() - start);
  }
  const bytes = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  return { runs: times, median: median(times), files: Object.keys(files).length, bytes };
}

/**
 * @param {{ operations?: number, runs?: number }} [options]
 */
export async function measureCodegen({ operations = 500, runs = 3 } = {}) {
  const { render } = await import(GENERATOR.href);
  const vendored = await timeRender(render, undefined, runs);
  const dir = await mkdtemp(join(tmpdir(), "qstash-flow-bench-"));
  try {
    // JSON is YAML; surface.yaml selects every operation (all tagged "Synthetic").
    await writeFile(join(dir, "synthetic.yaml"), JSON.stringify(bigSpec(operations)));
    await writeFile(join(dir, "surface.yaml"), "specs: [synthetic.yaml]\nselect:\n  tags: [Synthetic]\n");
    const large = await timeRender(render, dir, runs);
    return { vendored, large: { ...large, operations } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A build run once to warm the cache, then timed `runs` times. `args` defaults to the
 * whole workspace (`pnpm build`).
 */
export function measureWarmBuild({ runs = 3, args = ["build"] } = {}) {
  const run = () => {
    const start = performance.now();
    const result = spawnSync("pnpm", args, { cwd: REPO_ROOT, encoding: "utf8", env: process.env });
    const elapsed = performance.now() - start;
    const output = `${result.stdout}${result.stderr}`;
    const cached = /Cached:\s+(\d+) cached, (\d+) total/.exec(output);
    return {
      elapsed,
      ok: result.status === 0,
      fullTurbo: output.includes("FULL TURBO"),
      cached: cached ? `${cached[1]} of ${cached[2]} tasks cached` : "no turbo summary",
      output,
    };
  };
  const warmup = run();
  if (!warmup.ok) return { ok: false, error: warmup.output.trim().split("\n").slice(-6).join("\n") };
  const timed = Array.from({ length: runs }, run);
  return {
    ok: timed.every((r) => r.ok),
    fullTurbo: timed.every((r) => r.fullTurbo),
    cached: timed.at(-1)?.cached,
    runs: timed.map((r) => r.elapsed),
    median: median(timed.map((r) => r.elapsed)),
  };
}
