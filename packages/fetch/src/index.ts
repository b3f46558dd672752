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
} from "./errors.js";
export { assertValidKey, encodeKey, keyProblem } from "./key.js";
export {
  type CallOptions,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT,
  type FetchLike,
  type QStashClientOptions,
  REGIONS,
  type Region,
  type RequestPolicy,
} from "./options.js";
export { createQStashTransport, type QStashTransport, type RequestParams } from "./transport.js";
export type { paths, components } from "@qstash-flow/types";
