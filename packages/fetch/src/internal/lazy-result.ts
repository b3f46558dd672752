// The results of a typed client's calls sent the direct way (direct-call.ts): openapi-fetch's
// `{ data, response }` or `{ error, response }`, with the `Response` made when `response`
// is first touched. A `Response` costs about a tenth of a loopback call's CPU (more with
// one call in flight), and a caller that checks `data` or `error` never reads it. A proxy
// over a plain object, so that `response` is an own property for every reader (a spread,
// `Object.keys`, `JSON.stringify`, `toStrictEqual`, `Object.freeze`) as openapi-fetch's
// is; a getter on each object (which V8 builds slowly) or on a class (which a spread
// skips) would not be. Unlike openapi-fetch's, a proxy cannot be `structuredClone`d.
import type { Reply } from "./exchange.js";
import type { Pipeline } from "./pipeline-type.js";
import { shownResponse, type TypedResult } from "./typed-call.js";

type Result = Record<PropertyKey, unknown>;

/** Node's `util.inspect.custom`, without importing `node:util` for a name. */
const INSPECT = Symbol.for("nodejs.util.inspect.custom");
/**
 * The reply of a result whose `response` is not made yet. Not a WeakMap: a key per call
 * made every young-generation collection slower (about 20 µs per call at 32 in flight).
 */
const PENDING = Symbol("pending reply");

/**
 * Node's `inspect` shows a proxy's target without its traps, calling this with the proxy:
 * logged with its response, as openapi-fetch's result is. Gone once `response` is made.
 */
function inspectResult(
  this: Result,
  depth: number,
  options: object,
  inspect: (value: unknown, options: object) => string,
): string {
  return inspect({ ...this }, { ...options, depth });
}

/** Makes each result for `pipeline`'s calls. */
export function lazyResults(pipeline: Pipeline) {
  /** `result` with `response` an own property from now on, and the reply let go. */
  const settled = (result: Result): Result => {
    const reply = result[PENDING] as Reply | undefined;
    if (reply) {
      const response = shownResponse(reply.response as Response, pipeline);
      // As openapi-fetch hands it back: its body read, unless it said it had none.
      if (response.body && !response.bodyUsed && response.headers.get("content-length") !== "0") {
        response.body.cancel().catch(() => {});
      }
      Object.defineProperty(result, "response", {
        value: response,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      delete result[PENDING];
      delete result[INSPECT];
    }
    return result;
  };
  const settling = (result: Result, key: PropertyKey) => (key === "response" ? settled(result) : result);

  // Whatever reaches `response`, or lists or freezes the keys, makes it first: the
  // symbols above are never seen through the proxy.
  const handler: ProxyHandler<Result> = {
    get: (result, key, receiver) => Reflect.get(settling(result, key), key, receiver),
    set: (result, key, value, receiver) => Reflect.set(settling(result, key), key, value, receiver),
    has: (result, key) => Reflect.has(settling(result, key), key),
    deleteProperty: (result, key) => Reflect.deleteProperty(settling(result, key), key),
    defineProperty: (result, key, descriptor) => Reflect.defineProperty(settling(result, key), key, descriptor),
    getOwnPropertyDescriptor: (result, key) => Reflect.getOwnPropertyDescriptor(settling(result, key), key),
    ownKeys: (result) => Reflect.ownKeys(settled(result)),
    preventExtensions: (result) => Reflect.preventExtensions(settled(result)),
  };

  /** openapi-fetch's result for `reply`: `data` on a 2xx, else `error`. */
  return (key: "data" | "error", value: unknown, reply: Reply): TypedResult => {
    const result: Result =
      key === "data"
        ? { data: value, [PENDING]: reply, [INSPECT]: inspectResult }
        : { error: value, [PENDING]: reply, [INSPECT]: inspectResult };
    return new Proxy(result, handler) as unknown as TypedResult;
  };
}
