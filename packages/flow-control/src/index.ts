export { FlowControl, type FlowControlOptions } from "./flow-control.js";
export type { FlowControlInfo, GlobalParallelism } from "./info.js";
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
export { MAX_PERIOD_SECONDS, type PinOptions, periodSeconds, type UnpinOptions } from "./options.js";
export {
  AbortError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  createQStashTransport,
  type ErrorContext,
  InternalServerError,
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
