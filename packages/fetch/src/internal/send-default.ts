// What `#send` is outside Node (package.json "imports"): nothing of its own, so every
// attempt goes through `fetch`, every typed client call through openapi-fetch, and every
// attempt's timeout is a `setTimeout` of its own.
// Browsers, workers, Deno and Bun load this file.
import type { Exchange } from "./exchange.js";
import type { StartTimer } from "./send.js";

export const defaultExchange: (() => Exchange) | undefined = undefined;

export const directCalls: typeof import("./direct-call.js").directCalls | undefined = undefined;

export const startTimer: StartTimer = (ms, onTimeout) => {
  const timer = setTimeout(onTimeout, ms);
  return () => clearTimeout(timer);
};
