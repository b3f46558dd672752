// The size budgets CI enforces with size-limit (see ../.size-limit.js). The target is
// 4 kB gzipped for a pause-only app. The function form meets it and its budget is the
// target itself; the class carries every operation (a class's methods cannot be
// tree-shaken), so its budget is today's size rounded up, and BENCHMARKS.md says so.
// Lower a budget when the bundle shrinks; never raise one without saying why.

export const BUDGETS = [
  { name: "pause-only app, pause() function", path: "src/apps/flow-control-function.mjs", limit: "4 kB" },
  { name: "pause-only app, FlowControl class", path: "src/apps/flow-control-class.mjs", limit: "5.1 kB" },
];

/** "7.5 kB" -> 7500, "900 B" -> 900: the decimal units size-limit reads. */
export function limitBytes(limit) {
  const match = /^(\d+(?:\.\d+)?)\s*(B|kB)$/.exec(limit);
  if (!match) throw new Error(`a budget must look like "4 kB" or "900 B", got ${JSON.stringify(limit)}`);
  return Math.round(Number(match[1]) * (match[2] === "kB" ? 1000 : 1));
}
