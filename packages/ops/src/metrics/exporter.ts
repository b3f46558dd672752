import {
  byKey,
  checkPositiveInteger,
  type FlowControl,
  type FlowControlInfo,
  type GlobalParallelism,
  MAX_TIMER_MS,
  type RequestPolicy,
  ValidationError,
} from "@qstash-flow/flow-control";
import type { Gauge, Registry } from "prom-client";
import { DEFAULT_MAX_KEYS, DEFAULT_METRICS_INTERVAL_MS } from "../defaults.js";
import { refreshCallOptions } from "../refresh.js";

/**
 * What the metrics poll and how. `timeout` (milliseconds per attempt of each poll's calls)
 * defaults to the interval, at least 5 s; `maxRetries` to 0: the next poll is the retry.
 */
export interface FlowControlMetricsOptions extends RequestPolicy {
  /** The client to poll. Its token is sent to the API only, never put into a metric. */
  client: FlowControl;
  /** Milliseconds between polls (one `list` and one `getGlobalParallelism` each), at most 2^31-1. Default 15 000. */
  interval?: number;
  /** Export only the keys that start with this. */
  prefix?: string;
  /** Most keys exported: past it, the first `maxKeys` in key order, and `qstash_flow_control_keys_omitted` says how many were left out. Default 1 000. */
  maxKeys?: number;
  /** The registry to add the metrics to, e.g. prom-client's default `register`. Default: a new one. */
  registry?: Registry;
  /** Called after every poll, with what it saw or why it failed. */
  onPoll?: (result: PollResult) => void;
}

export type PollResult =
  | { ok: true; at: Date; keys: number; omitted: number }
  | { ok: false; at: Date; error: unknown };

export interface FlowControlMetrics {
  /** The registry that holds the metrics: serve `await registry.metrics()` with `registry.contentType`. */
  readonly registry: Registry;
  /** Polls now, or joins the poll already under way; resolves with its result. */
  poll(): Promise<PollResult>;
  /** Stops polling, cancels a poll under way and removes the metrics from the registry. */
  close(): void;
}

/**
 * The `key` label of a key: the key itself, except for the characters UTF-8 cannot carry.
 * A lone surrogate would go out as U+FFFD, so that keys differing only there became one
 * series; it is written as U+FFFD followed by its code unit in four hex digits (`\uD800` as
 * `\uFFFDD800`), and U+FFFD itself as `\uFFFDFFFD`. So distinct keys keep distinct labels,
 * and a key without either character is its own label.
 */
function keyLabel(key: string): string {
  return key.replace(/[\p{Cs}\uFFFD]/gu, (unit) => `\uFFFD${unit.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Prometheus metrics of every flow-control key, refreshed by polling the API once per
 * `interval` whatever the number of scrapes; a scrape reads the last good poll. A failed
 * poll keeps the last good values and counts `qstash_flow_control_poll_errors_total`.
 * prom-client is loaded here, on first use, so that code that never starts metrics never loads it.
 */
export async function startFlowControlMetrics(options: FlowControlMetricsOptions): Promise<FlowControlMetrics> {
  const { client, interval = DEFAULT_METRICS_INTERVAL_MS, prefix = "", maxKeys = DEFAULT_MAX_KEYS } = options;
  if (typeof client?.list !== "function") throw new ValidationError("client must be a FlowControl");
  checkPositiveInteger("interval", interval);
  // A longer delay overflows the timer, which then fires at once: a poll per millisecond.
  if (interval > MAX_TIMER_MS)
    throw new ValidationError(`interval must be at most ${MAX_TIMER_MS} ms, got ${interval}`);
  checkPositiveInteger("maxKeys", maxKeys);
  if (typeof prefix !== "string") throw new ValidationError(`prefix must be a string, got ${String(prefix)}`);

  const prom = await import("prom-client");
  const registry = options.registry ?? new prom.Registry();
  // Created unregistered: the registry gets them once every name is known to be free.
  const names = new Map<object, string>();
  const gauge = (name: string, help: string, labelNames: string[] = []) => {
    const metric = new prom.Gauge({ name, help, labelNames, registers: [] });
    names.set(metric, name);
    return metric;
  };
  const perKey = {
    waitlist: gauge("qstash_flow_control_waitlist_size", "Messages waiting because of the key's limits or pause.", [
      "key",
    ]),
    parallelismInFlight: gauge("qstash_flow_control_parallelism_in_flight", "Deliveries of the key in flight.", [
      "key",
    ]),
    parallelismMax: gauge("qstash_flow_control_parallelism_max", "The key's parallelism limit (0: none).", ["key"]),
    rateUsed: gauge("qstash_flow_control_rate_used", "Deliveries started in the current rate period.", ["key"]),
    rateMax: gauge("qstash_flow_control_rate_max", "Deliveries allowed per rate period (0: no limit).", ["key"]),
    ratePeriod: gauge("qstash_flow_control_rate_period_seconds", "The rate period, in seconds.", ["key"]),
    paused: gauge("qstash_flow_control_paused", "1 while the key is paused.", ["key"]),
    pinned: gauge(
      "qstash_flow_control_pinned",
      "1 while the limit is pinned: configurations on incoming messages are ignored.",
      ["key", "limit"],
    ),
  };
  // Gauges without labels would read 0 before the first poll, which is a lie: they join
  // the registry only once there is a value to show.
  const polled = {
    globalInFlight: gauge("qstash_global_parallelism_in_flight", "Deliveries in flight across all keys."),
    globalMax: gauge("qstash_global_parallelism_max", "The account-wide parallelism limit."),
    keys: gauge("qstash_flow_control_keys", "Keys seen by the last poll (matching the prefix)."),
    omitted: gauge(
      "qstash_flow_control_keys_omitted",
      "Keys left out of the per-key metrics by maxKeys (--max-keys); above 0, raise it or narrow the prefix.",
    ),
    lastPoll: gauge("qstash_flow_control_last_poll_timestamp_seconds", "Unix time of the last successful poll."),
  };
  const errors = new prom.Counter({
    name: "qstash_flow_control_poll_errors_total",
    help: "Polls of the API that failed; the other metrics keep the last good values.",
    registers: [],
  });
  names.set(errors, "qstash_flow_control_poll_errors_total");
  // Known from the start: alert rules measure the last poll's age in intervals.
  const pollInterval = gauge(
    "qstash_flow_control_poll_interval_seconds",
    "Seconds between polls of the API (--interval).",
  );
  pollInterval.set(interval / 1000);
  for (const name of names.values()) {
    if (registry.getSingleMetric(name)) throw new ValidationError(`the registry already has a metric named ${name}`);
  }
  // Names as registered, so that close() removes exactly these.
  const registered = new Set<string>();
  const register = (metric: Gauge | typeof errors) => {
    registry.registerMetric(metric);
    registered.add(names.get(metric) as string);
  };
  for (const metric of [...Object.values(perKey), errors, pollInterval]) register(metric);

  function apply(keys: FlowControlInfo[], global: GlobalParallelism, at: Date): PollResult {
    const matching = keys.filter((info) => info.flowControlKey.startsWith(prefix)).sort(byKey);
    const shown = matching.slice(0, maxKeys);
    // Reset first, so that a key gone from the API is gone from the output.
    for (const metric of Object.values(perKey)) metric.reset();
    const set = (metric: Gauge, key: string, value: number) => metric.set({ key }, value);
    for (const info of shown) {
      const key = keyLabel(info.flowControlKey);
      set(perKey.waitlist, key, info.waitListSize);
      set(perKey.parallelismInFlight, key, info.parallelismCount);
      set(perKey.parallelismMax, key, info.parallelismMax);
      set(perKey.rateUsed, key, info.rateCount);
      set(perKey.rateMax, key, info.rateMax);
      set(perKey.ratePeriod, key, info.ratePeriod);
      set(perKey.paused, key, info.isPaused ? 1 : 0);
      perKey.pinned.set({ key, limit: "parallelism" }, info.isPinnedParallelism ? 1 : 0);
      perKey.pinned.set({ key, limit: "rate" }, info.isPinnedRate ? 1 : 0);
    }
    polled.globalInFlight.set(global.parallelismCount);
    polled.globalMax.set(global.parallelismMax);
    polled.keys.set(matching.length);
    polled.omitted.set(matching.length - shown.length);
    polled.lastPoll.set(at.getTime() / 1000);
    for (const metric of Object.values(polled)) {
      if (!registered.has(names.get(metric) as string)) register(metric);
    }
    return { ok: true, at, keys: matching.length, omitted: matching.length - shown.length };
  }

  const stop = new AbortController();
  const policy = {
    ...(options.timeout !== undefined && { timeout: options.timeout }),
    ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
  };
  const call = refreshCallOptions(interval, stop.signal, policy);
  let current: Promise<PollResult> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function once(): Promise<PollResult> {
    try {
      const [keys, global] = await Promise.all([client.list(call), client.getGlobalParallelism(call)]);
      // Closed while the answers were on their way: the metrics are no longer ours to set.
      if (stop.signal.aborted) return { ok: false, at: new Date(), error: stop.signal.reason };
      return apply(keys, global, new Date());
    } catch (error) {
      if (!stop.signal.aborted) errors.inc();
      return { ok: false, at: new Date(), error };
    }
  }

  function poll(): Promise<PollResult> {
    current ??= once().then((result) => {
      current = undefined;
      if (!stop.signal.aborted) options.onPoll?.(result);
      return result;
    });
    return current;
  }

  async function loop(): Promise<void> {
    const started = Date.now();
    await poll();
    if (stop.signal.aborted) return;
    timer = setTimeout(loop, Math.max(0, interval - (Date.now() - started)));
    // A service's metrics must not keep its process alive.
    timer.unref();
  }
  void loop();

  return {
    registry,
    poll,
    close() {
      stop.abort();
      clearTimeout(timer);
      for (const name of registered) registry.removeSingleMetric(name);
    },
  };
}
