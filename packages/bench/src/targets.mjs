// The project's targets, and where a run of the benchmark stands against each.

/** 4 kB = 4,000 bytes, the way size-limit reads "4 kB". */
export const BUNDLE_TARGET_GZIP = 4000;
export const THROUGHPUT_TARGET_RATIO = 0.9;

const cpuShare = (row, base) => (base?.cpuMicros ? `${Math.round((row.cpuMicros / base.cpuMicros) * 100)} %` : "?");
const cpuMs = (row) => (row.cpu === undefined ? "?" : `${row.cpu.toFixed(0)} ms`);

/**
 * @param {{ bundles?: any[], throughput?: any[], coldStart?: any[] }} results
 * @returns {{ target: string, measured: string, met: boolean }[]}
 */
export function evaluateTargets({ bundles, throughput, coldStart }) {
  const rows = [];
  if (bundles) {
    const byId = Object.fromEntries(bundles.map((b) => [b.id, b]));
    for (const id of ["wrapper-class", "wrapper-function"]) {
      const bundle = byId[id];
      if (!bundle) continue;
      rows.push({
        target: `${bundle.label}: pause-only app <= ${BUNDLE_TARGET_GZIP.toLocaleString("en-US")} B gzipped`,
        measured: `${bundle.gzipped.toLocaleString("en-US")} B (official SDK ${byId.official?.gzipped.toLocaleString("en-US") ?? "?"} B)`,
        met: bundle.gzipped <= BUNDLE_TARGET_GZIP,
      });
    }
    for (const bundle of bundles.filter((b) => b.onlyPause)) {
      rows.push({
        target: `${bundle.label}: tree-shaking keeps the other operations out`,
        measured: bundle.others.length ? `contains ${bundle.others.join(", ")}` : "none of them in the bundle",
        met: bundle.others.length === 0,
      });
    }
  }
  for (const { concurrency, results } of throughput ?? []) {
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    const { wrapper, official } = byId;
    if (!wrapper) continue;
    rows.push({
      target: `throughput, concurrency ${concurrency}: wrapper within 10 % of bare fetch`,
      measured: `${Math.round(wrapper.ratio * 100)} % of bare fetch's ops/s; CPU per call ${cpuShare(wrapper, byId.fetch)} of bare fetch's`,
      met: wrapper.ratio >= THROUGHPUT_TARGET_RATIO,
    });
    if (official) {
      rows.push({
        target: `throughput, concurrency ${concurrency}: wrapper no slower than the official SDK`,
        measured: `${Math.round(wrapper.ratio * 100)} % vs ${Math.round(official.ratio * 100)} % of bare fetch's ops/s; CPU per call ${Math.round(wrapper.cpuMicros)} vs ${Math.round(official.cpuMicros)} µs`,
        met: wrapper.ratio >= official.ratio,
      });
    }
  }
  if (coldStart) {
    const byId = Object.fromEntries(coldStart.map((r) => [r.id, r]));
    if (byId.wrapper && byId.official) {
      rows.push({
        target: "cold start: wrapper no slower than the official SDK",
        measured: `${byId.wrapper.median.toFixed(0)} ms vs ${byId.official.median.toFixed(0)} ms wall; CPU ${cpuMs(byId.wrapper)} vs ${cpuMs(byId.official)}`,
        met: byId.wrapper.median <= byId.official.median,
      });
    }
  }
  return rows;
}
