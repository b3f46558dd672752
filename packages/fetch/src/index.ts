export {
  createQStashClient,
  type QStashClient,
  type QStashClientMethod,
} from "./client.js";
export {
  AbortError,
  APIError,
  type APIErrorInit,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  type ErrorContext,
  InternalServerError,
  makeAPIError,
  NotFoundError,
  PermissionDeniedError,
  QStashError,
  type QStashErrorInit,
  RateLimitError,
  TimeoutError,
  ValidationError,
  withContext,
} from "./errors.js";
export { assertValidKey, encodeKey, keyProblem } from "./key.js";
export type { FetchLike } from "./internal/fetch-exchange.js";
export { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_TIMER_MS, tokenProblem } from "./internal/options.js";
export {
  type CallOptions,
  createQStashTransport,
  DEFAULT_BASE_URL,
  type QStashClientOptions,
  type QStashTransport,
  REGIONS,
  type Region,
  type RequestParams,
  type RequestPolicy,
} from "./transport.js";
export type { paths, components } from "@qstash-flow/types";
