export {
  DEFAULT_CURRENT_SIGNING_KEY,
  DEFAULT_DEV_TOKEN,
  DEFAULT_NEXT_SIGNING_KEY,
  DEFAULT_PORT,
  DEFAULT_RETRY_DELAY_SCALE,
} from "./defaults.js";
export { DevServerOptionsError } from "./errors.js";
export { type DevServerEvent, formatDevServerEvent } from "./events.js";
export { devServerBanner } from "./internal/banner.js";
export type { FlowControlKeyJson } from "./internal/key-state.js";
export type { DevServerOptions } from "./options.js";
export { type DevServer, startDevServer } from "./server.js";
