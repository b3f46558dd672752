export { handlerFetch, json, type Handler, type SeenRequest } from "./fetch.ts";
export { startLoopbackServer, type LoopbackServer, type ServerHandler, type ServerRequest } from "./server.ts";
export { COMBINED_SPEC, startPrism, type MockServer } from "./prism.ts";
export { codeBlocks, typecheckReadme } from "./readme.ts";
export { freePort } from "./port.ts";
export { type PublishOptions, type Published, publishMessage, publishRequest, publishUrl } from "./publish.ts";
export { queryParameterSchema, surface, valueOutside } from "./surface.ts";
export {
  type MessagesServer,
  type MessagesServerOptions,
  type StoredDeadLetter,
  type StoredMessage,
  startMessagesServer,
} from "./messages-server.ts";
export { type KeyInfo, keyInfo } from "./info.ts";
export { waitUntil } from "./wait.ts";
