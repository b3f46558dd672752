export {
  type Credentials,
  credentialsFromEnv,
  ENV_REGIONS,
  type Env,
  type EnvRegion,
  type ExplicitCredentials,
  envRegion,
} from "./env.js";
export { checkConcurrency, DEFAULT_CONCURRENCY, forEachBounded } from "./bounded.js";
export { checkPositiveInteger, checkWholeNumber } from "./checks.js";
export {
  DURATION_UNITS,
  type DurationUnit,
  durationExamples,
  durationMs,
  durationText,
  millisecondsText,
} from "./duration.js";
export { type CredentialsSource, FlowControl, type FlowControlOptions, MissingTokenError } from "./flow-control.js";
export type { FlowControlInfo, GlobalParallelism } from "./info.js";
export { byKey, compareKeys } from "./keys.js";
export {
  CANCEL_PAGE,
  cancelMessages,
  countDeadLetters,
  type DeadLetter,
  type DeadLetterPage,
  DLQ_PAGE,
  deleteDeadLetters,
  listDeadLetters,
  retryDeadLetters,
} from "./messages.js";
export {
  type CallOptions,
  get,
  getGlobalParallelism,
  list,
  pause,
  pin,
  resetRate,
  resume,
  unpin,
} from "./operations.js";
export {
  MAX_PERIOD_SECONDS,
  PERIOD_UNITS,
  type PinOptions,
  periodSeconds,
  type UnpinOptions,
} from "./options.js";
export {
  AbortError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  createQStashTransport,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT,
  type ErrorContext,
  InternalServerError,
  keyProblem,
  MAX_TIMER_MS,
  makeAPIError,
  NotFoundError,
  PermissionDeniedError,
  QStashError,
  type QStashClientOptions,
  type QStashTransport,
  RateLimitError,
  type Region,
  type RequestPolicy,
  TimeoutError,
  ValidationError,
} from "@qstash-flow/fetch";
