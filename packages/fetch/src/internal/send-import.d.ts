// `#send` is resolved where the package runs (package.json "imports"): send-node.ts in
// Node, send-default.ts elsewhere. Both export this.
declare module "#send" {
  export const defaultExchange: import("./exchange.js").Exchange | undefined;
}
