// Each operation is a standalone function over a transport, so that a bundle that
// imports only `pause` carries only `pause`. `FlowControl` wraps them as methods.
import { type CallOptions, QStashError, type QStashTransport, withContext } from "@qstash-flow/fetch";
import { type FlowControlInfo, type GlobalParallelism, toFlowControlInfo, toGlobalParallelism } from "./info.js";
import { type PinOptions, pinQuery, type UnpinOptions, unpinQuery } from "./options.js";

export type { CallOptions };

/** Runs `call`; whatever fails names the operation and the key. */
async function named<T>(operation: string, key: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw withContext(error, { operation, key });
  }
}

/** A success body that must be a JSON object (or, with `list`, an array). */
function expectJson(body: unknown, what: string, list = false): any {
  if (body != null && (typeof body !== "object" || Array.isArray(body) !== list)) {
    throw new QStashError(
      typeof body === "string" ? "the response body is not valid JSON" : `the response body is not ${what}`,
    );
  }
  return body;
}

/**
 * POST /v2/flowControl/{key}/<action>; the answer's body, if any, means nothing. What
 * `named` does, written out: a pause-only app then carries no `named`, which its 4 kB
 * budget needs.
 */
function keyAction(
  transport: QStashTransport,
  operation: "pause" | "resume" | "resetRate",
  key: string,
  options: CallOptions | undefined,
): Promise<void> {
  return transport
    .request("post", `/v2/flowControl/{flowControlKey}/${operation}`, { path: { flowControlKey: key } }, options)
    .then(
      () => {},
      (error: unknown) => {
        throw withContext(error, { operation, key });
      },
    );
}

/** Stops delivery of the key's messages until `resume`; new messages wait. */
export function pause(transport: QStashTransport, key: string, options?: CallOptions): Promise<void> {
  return keyAction(transport, "pause", key, options);
}

/** Starts delivery of the key's messages again; the waitlist drains. */
export function resume(transport: QStashTransport, key: string, options?: CallOptions): Promise<void> {
  return keyAction(transport, "resume", key, options);
}

/** Clears the key's rate count and starts a new period now. */
export function resetRate(transport: QStashTransport, key: string, options?: CallOptions): Promise<void> {
  return keyAction(transport, "resetRate", key, options);
}

/** Fixes parallelism, rate and/or period; incoming messages' configurations are ignored until unpinned. */
export function pin(transport: QStashTransport, key: string, values: PinOptions, options?: CallOptions): Promise<void> {
  return named("pin", key, async () => {
    const path = { flowControlKey: key };
    await transport.request("post", "/v2/flowControl/{flowControlKey}/pin", { path, query: pinQuery(values) }, options);
  });
}

/** Removes pinned parallelism and/or rate; the last pinned values apply until a message brings others. */
export function unpin(
  transport: QStashTransport,
  key: string,
  flags: UnpinOptions,
  options?: CallOptions,
): Promise<void> {
  return named("unpin", key, async () => {
    const path = { flowControlKey: key };
    await transport.request(
      "post",
      "/v2/flowControl/{flowControlKey}/unpin",
      { path, query: unpinQuery(flags) },
      options,
    );
  });
}

/** One key's state; rejects with `NotFoundError` when the key does not exist. */
export function get(transport: QStashTransport, key: string, options?: CallOptions): Promise<FlowControlInfo> {
  return named("get", key, async () => {
    const body = await transport.request(
      "get",
      "/v2/flowControl/{flowControlKey}",
      { path: { flowControlKey: key } },
      options,
    );
    return toFlowControlInfo(expectJson(body, "a flow-control key"), key);
  });
}

/** Every key's state. */
export function list(transport: QStashTransport, options?: CallOptions): Promise<FlowControlInfo[]> {
  return named("list", undefined, async () => {
    const body = await transport.request("get", "/v2/flowControl", {}, options);
    const items: unknown[] = expectJson(body, "a list of keys", true) ?? [];
    // An entry without a key would come back with the empty key, which no call accepts.
    if (!items.every((item) => typeof (item as { flowControlKey?: unknown } | null)?.flowControlKey === "string")) {
      throw new QStashError("the response body is not a list of keys: an entry has no flowControlKey");
    }
    return items.map((item) => toFlowControlInfo(item as never));
  });
}

/** The account-wide parallelism limit and its use. */
export function getGlobalParallelism(transport: QStashTransport, options?: CallOptions): Promise<GlobalParallelism> {
  return named("getGlobalParallelism", undefined, async () =>
    toGlobalParallelism(expectJson(await transport.request("get", "/v2/globalParallelism", {}, options), "an object")),
  );
}
