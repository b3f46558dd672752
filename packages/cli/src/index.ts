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
// Flow control as code: the functions behind `plan`, `apply` and `export`, over a FlowControl.
export { type ApplyOptions, applyPlan, type ChangeResult } from "./state/apply.js";
export {
  type DesiredKey,
  type DesiredState,
  DesiredStateError,
  type DesiredStateProblem,
  type CheckedKey,
  type CheckedState,
  type Limit,
} from "./state/desired.js";
export { desiredStateText, type ExportOptions, exportState } from "./state/export.js";
export { type ParseOptions, parseDesiredState } from "./state/parse.js";
export {
  type Change,
  type CurrentLimits,
  DEFAULT_MAX_GETS,
  DEFAULT_PLAN_CONCURRENCY,
  type PauseChange,
  type PinChange,
  type Plan,
  type PlanOptions,
  type PlanReads,
  planDesiredState,
  type ResumeChange,
  type UnpinChange,
} from "./state/plan.js";
export { desiredStateSchema } from "./state/schema.js";
