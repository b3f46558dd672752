export { DevServerOptionsError } from "./errors.js";
export { type DevServerEvent, formatDevServerEvent } from "./events.js";
export type { FlowControlKeyJson } from "./internal/key-state.js";
export { DEFAULT_DEV_TOKEN, DEFAULT_PORT, type DevServerOptions } from "./options.js";
export { type DevServer, startDevServer } from "./server.js";
