// The project's targets, and where a run of the benchmark stands against each. Sizes are
// exact. Timings are not: they carry a confidence interval for the median over rounds
// (runs), and a target is met or missed only when all of that interval is on one side of
// the line; otherwise the run cannot tell (`met: null`).
import { median, medianInterval, paired, percent, verdict, whole } from "./stats.mjs";

/**
 * Gzipped bytes per pause-only app (the one home of these targets: the targets table and
 * the size budgets both read them): the sizes before the one request pipeline, which a
 * commit may exceed only by saying why.
 */
export const BUNDLE_TARGETS = { "wrapper-function": 4000, "wrapper-class": 5120 };
/** In Node the wrapper sends over node:http: at least 1.5x bare fetch's calls per second, at most 0.6x its CPU. */
export const THROUGHPUT_TARGET_RATIO = 1.5;
export const CPU_TARGET_RATIO = 0.6;
/** Issue 28: in Node our clients reach Node's own speed, at least 0.9x bare keep-alive `http.request`'s calls per second. */
export const HTTP_TARGET_RATIO = 0.9;
/** Issue 28: CPU per call at most 1.15x bare `http.request`'s, so all our pipeline adds (key, URL, headers, timers, reply checks) stays within 15 %. */
export const HTTP_CPU_TARGET_RATIO = 1.15;
/** Issue 13: the typed client makes at least bare fetch's calls per second. */
export const TYPED_TARGET_RATIO = 1;
/** The dev server's publish -> delivery rate without limits, as a share of a minimal forwarder's. */
export const DEVSERVER_THROUGHPUT_TARGET_RATIO = 0.7;
/** Bytes a message waiting at the dev server may cost beyond its body. */
export const DEVSERVER_MEMORY_TARGET_BYTES = 1024;

const range = (interval) =>
  interval
    ? `95 % interval ${Math.round(interval.low * 100)}-${Math.round(interval.high * 100)} %`
    : "too few rounds for an interval";

const cpuShare = (row, base) => (base?.cpuMicros ? `${Math.round((row.cpuMicros / base.cpuMicros) * 100)} %` : "?");
const cpuMs = (row) => (row.cpu === undefined ? "?" : `${row.cpu.toFixed(0)} ms`);

/**
 * @param {{ bundles?: any[], throughput?: any[], coldStart?: any[], devServer?: { throughput?: any, memory?: any } }} results
 * @returns {{ target: string, measured: string, met: boolean | null }[]}
 */
export function evaluateTargets({ bundles, throughput, coldStart, devServer }) {
  const rows = [];
  if (bundles) {
    const byId = Object.fromEntries(bundles.map((b) => [b.id, b]));
    for (const [id, limit] of Object.entries(BUNDLE_TARGETS)) {
      const bundle = byId[id];
      if (!bundle) continue;
      rows.push({
        target: `${bundle.label}: pause-only app <= ${limit.toLocaleString("en-US")} B gzipped`,
        measured: `${bundle.gzipped.toLocaleString("en-US")} B (official SDK ${byId.official?.gzipped.toLocaleString("en-US") ?? "?"} B)`,
        met: bundle.gzipped <= limit,
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
    const { wrapper, official, typed, fetch, http } = byId;
    if (!wrapper) continue;
    if (http) rows.push(...httpTargets(concurrency, http, [wrapper, typed]));
    const interval = medianInterval(wrapper.ratios);
    rows.push({
      target: `throughput, concurrency ${concurrency}: wrapper at least ${THROUGHPUT_TARGET_RATIO}x bare fetch`,
      measured: `${percent(wrapper.ratio)} of bare fetch's ops/s (${range(interval)})`,
      met: verdict(interval, THROUGHPUT_TARGET_RATIO),
    });
    if (fetch?.cpuMicros) {
      // CPU per call moves far less than ops/s on a shared machine: its medians are compared as they are.
      rows.push({
        target: `throughput, concurrency ${concurrency}: wrapper at most ${CPU_TARGET_RATIO}x bare fetch's CPU per call`,
        measured: `${cpuShare(wrapper, fetch)} of bare fetch's (${Math.round(wrapper.cpuMicros)} vs ${Math.round(fetch.cpuMicros)} µs)`,
        met: wrapper.cpuMicros / fetch.cpuMicros <= CPU_TARGET_RATIO,
      });
    }
    if (typed) {
      const typedInterval = medianInterval(typed.ratios);
      rows.push({
        target: `throughput, concurrency ${concurrency}: typed client at least ${TYPED_TARGET_RATIO}x bare fetch`,
        measured: `${percent(typed.ratio)} of bare fetch's ops/s (${range(typedInterval)}); CPU per call ${cpuShare(typed, fetch)} of bare fetch's`,
        met: verdict(typedInterval, TYPED_TARGET_RATIO),
      });
    }
    if (official) {
      const ratios = paired(wrapper.rounds, official.rounds);
      const vsOfficial = medianInterval(ratios);
      rows.push({
        target: `throughput, concurrency ${concurrency}: wrapper no slower than the official SDK`,
        measured: `wrapper's ops/s ${percent(median(ratios))} of the SDK's in the same round (${range(vsOfficial)}); CPU per call ${Math.round(wrapper.cpuMicros)} vs ${Math.round(official.cpuMicros)} µs`,
        met: verdict(vsOfficial, 1),
      });
    }
  }
  if (coldStart) {
    const byId = Object.fromEntries(coldStart.map((r) => [r.id, r]));
    const { wrapper, official } = byId;
    if (wrapper && official) {
      // The runs interleave, so run i of each was started under the same load.
      const ratios = paired(wrapper.runs, official.runs);
      const interval = medianInterval(ratios);
      rows.push({
        target: "cold start: wrapper no slower than the official SDK",
        measured: `${wrapper.median.toFixed(0)} ms vs ${official.median.toFixed(0)} ms wall, ${percent(median(ratios))} of the SDK's run by run (${range(interval)}); CPU ${cpuMs(wrapper)} vs ${cpuMs(official)}`,
        met: verdict(interval, 1, false),
      });
    }
  }
  rows.push(...devServerTargets(devServer ?? {}));
  return rows;
}

const OURS = { wrapper: "wrapper", typed: "typed client" };

/**
 * Issue 28's targets at one concurrency, for each of our clients measured: calls/s against
 * bare `http.request` in the same round (by its median's interval), CPU per call against
 * bare `http.request`'s (the ratio of the two medians, as the CPU target against bare fetch).
 */
function httpTargets(concurrency, http, ours) {
  const rows = [];
  for (const result of ours) {
    if (!result?.httpRatios?.length) continue;
    const name = `throughput, concurrency ${concurrency}: ${OURS[result.id]}`;
    const interval = medianInterval(result.httpRatios);
    rows.push({
      target: `${name} at least ${HTTP_TARGET_RATIO}x bare http.request`,
      measured: `${percent(median(result.httpRatios))} of bare http.request's ops/s (${range(interval)})`,
      met: verdict(interval, HTTP_TARGET_RATIO),
    });
    if (Number.isFinite(result.cpuRatio)) {
      rows.push({
        target: `${name} at most ${HTTP_CPU_TARGET_RATIO}x bare http.request's CPU per call`,
        measured: `${percent(result.cpuRatio)} of bare http.request's (${Math.round(result.cpuMicros)} vs ${Math.round(http.cpuMicros)} µs)`,
        met: result.cpuRatio <= HTTP_CPU_TARGET_RATIO,
      });
    }
  }
  return rows;
}

/** The dev server's two targets: deliveries/s against the forwarder in the same rounds, and memory per waiting message. */
function devServerTargets({ throughput, memory }) {
  const rows = [];
  const byId = Object.fromEntries((throughput?.results ?? []).map((r) => [r.id, r]));
  const { dev, forwarder } = byId;
  if (dev && forwarder) {
    const ratios = paired(dev.rounds, forwarder.rounds);
    const interval = medianInterval(ratios);
    rows.push({
      target: `dev server: publish -> delivery without limits at least ${percent(DEVSERVER_THROUGHPUT_TARGET_RATIO)} of a minimal forwarder's deliveries/s`,
      measured: `${percent(median(ratios))} of the forwarder's deliveries/s in the same round (${range(interval)}); server CPU per delivery ${whole(median(dev.cpuMicros))} vs ${whole(median(forwarder.cpuMicros))} µs`,
      met: verdict(interval, DEVSERVER_THROUGHPUT_TARGET_RATIO),
    });
  }
  if (memory) {
    const interval = medianInterval(memory.samples);
    const spread = interval
      ? `95 % interval ${whole(interval.low)}-${whole(interval.high)} B`
      : "too few blocks for an interval";
    rows.push({
      target: `dev server: under ${whole(DEVSERVER_MEMORY_TARGET_BYTES)} B per waiting message beyond its body (${whole(memory.messages)} held by a paused key)`,
      measured: `${whole(memory.perMessage)} B beyond the ${memory.bodyBytes} B body; per block of ${whole(memory.messages / memory.blocks)} messages, median ${whole(median(memory.samples))} B (${spread})`,
      met: verdict(interval, DEVSERVER_MEMORY_TARGET_BYTES, false),
    });
  }
  return rows;
}
