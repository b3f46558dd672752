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
export { MAX_TIMER_MS } from "./internal/deadline.js";
export { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, type FetchLike } from "./internal/transport.js";
export {
  createQStashTransport,
  DEFAULT_BASE_URL,
  type QStashClientOptions,
  type QStashTransport,
  REGIONS,
  type Region,
  type CallOptions,
  checkOptions,
  type RequestParams,
  type RequestPolicy,
  resolveBaseUrl,
  tokenProblem,
} from "./transport.js";
export type { paths, components } from "@qstash-flow/types";
