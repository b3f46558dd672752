// `#send` is resolved where the package runs (package.json "imports"): send-node.ts in
// Node, send-default.ts elsewhere. Both export this: attempts that hand back the body as
// text, or with `asResponse` as a `Response` (for the typed client); and, where the
// platform's `Request` is costly (Node's, in JavaScript), the plain one the typed client
// lends openapi-fetch for the calls nothing else reads (plain-request.ts), else none.
declare module "#send" {
  export const defaultExchange:
    | ((options: import("./exchange.js").ExchangeOptions) => import("./exchange.js").Exchange)
    | undefined;
  export const lendPlainRequests: typeof import("./plain-request.js").lendPlainRequests | undefined;
}
