// Cold start: a fresh Node process that imports a package and constructs a client, timed
// from spawn to exit. The runs of the scripts interleave so that load from elsewhere on
// the machine is shared between them.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./stats.mjs";

const script = (name) => fileURLToPath(new URL(`./cold/${name}.mjs`, import.meta.url));

export const COLD_SCRIPTS = [
  { id: "wrapper", label: "@qstash-flow/flow-control: import + new FlowControl", script: script("flow-control") },
  { id: "typed", label: "@qstash-flow/fetch: import + createQStashClient", script: script("typed-client") },
  { id: "official", label: "@upstash/qstash: import + new Client", script: script("official-sdk") },
  { id: "empty", label: "node with an empty script (floor)", script: script("empty") },
];

/**
 * One `node <script>` run: wall-clock ms from spawn to exit, and the CPU ms the script
 * reports having used. Throws if the script fails.
 */
export function timeProcess(path) {
  const start = performance.now();
  const result = spawnSync(process.execPath, [path], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  const wall = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${path} failed (${result.status}): ${result.stderr}`);
  const { user, system } = JSON.parse(result.stdout);
  return { wall, cpu: (user + system) / 1000 };
}

/** @returns {{ id: string, label: string, runs: number[], median: number, cpu: number }[]} */
export function measureColdStart({ runs = 15 } = {}) {
  /** @type {Record<string, { wall: number, cpu: number }[]>} */
  const samples = Object.fromEntries(COLD_SCRIPTS.map((s) => [s.id, []]));
  // One unmeasured run each fills the OS file cache.
  for (const { script: path } of COLD_SCRIPTS) timeProcess(path);
  for (let run = 0; run < runs; run++) {
    for (const { id, script: path } of COLD_SCRIPTS) samples[id].push(timeProcess(path));
  }
  return COLD_SCRIPTS.map(({ id, label }) => ({
    id,
    label,
    runs: samples[id].map((s) => s.wall),
    median: median(samples[id].map((s) => s.wall)),
    cpu: median(samples[id].map((s) => s.cpu)),
  }));
}
