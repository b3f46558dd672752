// `#send` is resolved where the package runs (package.json "imports"): send-node.ts in
// Node, send-default.ts elsewhere. Both export this: attempts that hand back the body as
// text, or with `asResponse` as a `Response` (for the typed client).
declare module "#send" {
  export const defaultExchange:
    | ((options: import("./exchange.js").ExchangeOptions) => import("./exchange.js").Exchange)
    | undefined;
}
