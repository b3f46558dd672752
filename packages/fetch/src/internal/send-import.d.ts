// `#send` is resolved where the package runs (package.json "imports"): send-node.ts in
// Node, send-default.ts elsewhere. Both export this: the platform's own way to carry
// attempts, and the typed client's way to send the calls nothing else reads without
// openapi-fetch (direct-call.ts), or none; and how an attempt's timeout is armed.
declare module "#send" {
  export const defaultExchange: (() => import("./exchange.js").Exchange) | undefined;
  export const directCalls: typeof import("./direct-call.js").directCalls | undefined;
  export const startTimer: import("./send.js").StartTimer;
}
