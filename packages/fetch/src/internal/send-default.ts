// What `#send` is outside Node (package.json "imports"): nothing of its own, so every
// attempt goes through `fetch` and every typed client call through openapi-fetch.
// Browsers, workers, Deno and Bun load this file.
import type { Exchange } from "./exchange.js";

export const defaultExchange: (() => Exchange) | undefined = undefined;

export const directCalls: typeof import("./direct-call.js").directCalls | undefined = undefined;
