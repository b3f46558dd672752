// The result of a typed-client call sent the direct way (direct-call.ts): openapi-fetch's
// `{ data, response }` or `{ error, response }`, with the `Response` made when the result's
// `response` is first touched. A `Response` costs about a tenth of a loopback call's CPU
// (far more at one call in flight), and a caller that checks `data` or `error` never
// reads it. A proxy, so that `response` is an own property for every reader (a spread,
// `Object.keys`, `JSON.stringify`, `toEqual`) as openapi-fetch's is; a getter on each
// object (which V8 builds slowly) or on the class (which a spread skips) would not be.
import type { Reply } from "./exchange.js";
import type { Pipeline } from "./pipeline.js";
import { shownResponse, type TypedResult } from "./typed-call.js";

class Pending {
  declare data?: unknown;
  declare error?: unknown;
  #reply: Reply | undefined;
  readonly #pipeline: Pipeline;

  constructor(key: "data" | "error", value: unknown, reply: Reply, pipeline: Pipeline) {
    this[key] = value;
    this.#reply = reply;
    this.#pipeline = pipeline;
  }

  /** `result` with `response` an own property from now on (the reply let go). */
  static settled(result: Pending): Pending {
    const reply = #pipeline in result ? result.#reply : undefined;
    if (reply) {
      result.#reply = undefined;
      const response = shownResponse(reply.response as Response, result.#pipeline);
      // As openapi-fetch hands it back: its body read, so that reading it again fails as there.
      if (reply.text && !response.bodyUsed) response.body?.cancel().catch(() => {});
      Object.defineProperty(result, "response", {
        value: response,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return result;
  }

  // Node's `inspect` shows a proxy's target: logged with its response, as openapi-fetch's is.
  [Symbol.for("nodejs.util.inspect.custom")](
    _depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ) {
    return inspect({ ...Pending.settled(this) }, options);
  }
}

const settling = (result: Pending, key: PropertyKey) => (key === "response" ? Pending.settled(result) : result);

// Every way of reaching `response` settles it first; anything else is the target's own.
const handler: ProxyHandler<Pending> = {
  get: (result, key) => Reflect.get(settling(result, key), key),
  set: (result, key, value) => Reflect.set(settling(result, key), key, value),
  has: (result, key) => Reflect.has(settling(result, key), key),
  deleteProperty: (result, key) => Reflect.deleteProperty(settling(result, key), key),
  defineProperty: (result, key, descriptor) => Reflect.defineProperty(settling(result, key), key, descriptor),
  getOwnPropertyDescriptor: (result, key) => Reflect.getOwnPropertyDescriptor(settling(result, key), key),
  ownKeys: (result) => Reflect.ownKeys(Pending.settled(result)),
};

/** openapi-fetch's result for `reply`: `data` on a 2xx, else `error`; `response` made on first touch. */
export function lazyResult(key: "data" | "error", value: unknown, reply: Reply, pipeline: Pipeline): TypedResult {
  return new Proxy(new Pending(key, value, reply, pipeline), handler) as unknown as TypedResult;
}
