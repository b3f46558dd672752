// `@qstash-flow/fetch/internal`: what the sibling packages share with this one, and
// nothing else. Not public API: it may change in any release.
/// <reference path="./internal/send-import.d.ts" />
export { withContext } from "./errors.js";
export {
  checkOptions,
  checkPositiveInteger,
  checkWholeNumber,
  isObject,
  MAX_TIMER_MS,
  shown,
  tokenProblem,
} from "./internal/checks.js";
export { sleep } from "./internal/sleep.js";
// The platform's carrier and attempt timer alone, for the benchmark's overhead ladder
// (their cost per call apart from the retry loop's).
export { defaultExchange, startTimer } from "#send";
