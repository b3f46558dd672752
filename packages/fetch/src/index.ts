export {
  createQStashClient,
  DEFAULT_BASE_URL,
  REGIONS,
  resolveBaseUrl,
  type QStashClient,
  type QStashClientMethod,
  type QStashClientOptions,
  type Region,
  type RequestPolicy,
} from "./client.js";
export {
  AbortError,
  APIError,
  type APIErrorInit,
  AuthenticationError,
  BadRequestError,
  ConflictError,
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
  UnprocessableEntityError,
  ValidationError,
} from "./errors.js";
export { assertValidKey, encodeKey, keyProblem } from "./key.js";
export type { FetchLike } from "./internal/transport.js";
export type { paths, components } from "@qstash-flow/types";
