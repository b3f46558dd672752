// Flow control as code: a desired state parsed, planned, applied and exported over a
// FlowControl client; Prometheus metrics of every key; doctor's findings; trends.

// Desired state: the functions behind `qstash-flow plan`, `apply` and `export`.
export { type ApplyOptions, applyPlan, type ChangeResult } from "./state/apply.js";
export {
  type CheckedKey,
  type CheckedState,
  type DesiredKey,
  type DesiredState,
  DesiredStateError,
  type DesiredStateProblem,
  type Limit,
} from "./state/desired.js";
export { desiredStateText, type ExportOptions, exportState } from "./state/export.js";
export { type ParseOptions, parseDesiredState } from "./state/parse.js";
export {
  DEFAULT_MAX_GETS,
  DEFAULT_MAX_KEYS,
  DEFAULT_METRICS_INTERVAL_MS,
  DEFAULT_PLAN_CONCURRENCY,
} from "./defaults.js";
export {
  type Change,
  type CurrentLimits,
  type PauseChange,
  type PinChange,
  type Plan,
  type PlanOptions,
  type PlanReads,
  planDesiredState,
  type ResumeChange,
  type UnpinChange,
} from "./state/plan.js";
export { desiredStateSchema, SCHEMA_URL } from "./state/schema.js";
// Metrics: the collector polls the API into a prom-client registry (prom-client, an
// optional peer, is loaded only here); the exporter serves it on /metrics.
export {
  type FlowControlMetrics,
  type FlowControlMetricsOptions,
  type PollResult,
  startFlowControlMetrics,
} from "./metrics/exporter.js";
export { type MetricsServer, serveMetrics } from "./metrics/serve.js";
// Doctor: findings over snapshots of the keys, and the dead letters per key.
export { type DeadLetterRead, readDeadLetters } from "./doctor/dead-letters.js";
export { type Check, diagnose, type Finding, type Severity, type Snapshot } from "./doctor/diagnose.js";
// Trends of one key over its last refreshes, and the call options of a periodic read.
export { TREND_LENGTH, Trend } from "./trends.js";
export { refreshCallOptions } from "./refresh.js";
