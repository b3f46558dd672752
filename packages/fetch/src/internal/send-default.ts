// What `#send` is outside Node (package.json "imports"): nothing of its own, so every
// attempt goes through `fetch` and the typed client lends openapi-fetch the platform's
// `Request`. Browsers, workers, Deno and Bun load this file.
import type { Exchange, ExchangeOptions } from "./exchange.js";

export const defaultExchange: ((options: ExchangeOptions) => Exchange) | undefined = undefined;

export const lendPlainRequests: typeof import("./plain-request.js").lendPlainRequests | undefined = undefined;
