// `@qstash-flow/fetch/internal`: what the sibling packages share with this one, and
// nothing else. Not public API: it may change in any release.
export { withContext } from "./errors.js";
export {
  checkOptions,
  checkPositiveInteger,
  checkWholeNumber,
  MAX_TIMER_MS,
  shown,
  tokenProblem,
} from "./internal/checks.js";
export { sleep } from "./internal/sleep.js";
