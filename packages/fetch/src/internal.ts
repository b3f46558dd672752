// `@qstash-flow/fetch/internal`: helpers the sibling packages share with this one. Not
// public API: they may change in any release.
export { checkOptions, resolveBaseUrl, shown } from "./internal/options.js";
