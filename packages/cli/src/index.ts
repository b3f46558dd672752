export { EXIT } from "./internal/errors.js";
export type { CliIO, CliOutput } from "./internal/io.js";
export { run } from "./run.js";
export {
  DEFAULT_MAX_KEYS,
  DEFAULT_METRICS_INTERVAL_MS,
  type FlowControlMetrics,
  type FlowControlMetricsOptions,
  type PollResult,
  startFlowControlMetrics,
} from "./observe/metrics.js";
