// Each operation is a standalone function over a transport, so that a bundle that
// imports only `pause` carries only `pause`. `FlowControl` wraps them as methods.
import type { CallOptions, QStashTransport } from "@qstash-flow/fetch";
import { withContext } from "@qstash-flow/fetch/internal";
import { type FlowControlInfo, type GlobalParallelism, toFlowControlInfo, toGlobalParallelism } from "./info.js";
import { type PinOptions, pinQuery, type UnpinOptions, unpinQuery } from "./options.js";
import { expectActionReply, expectList, notTheApis } from "./reply.js";

export type { CallOptions };

/** Runs `call`; whatever fails names the operation and the key. */
export async function named<T>(operation: string, key: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw withContext(error, { operation, key });
  }
}

type Action = "pause" | "resume" | "pin" | "unpin" | "resetRate";

/** POST /v2/flowControl/{key}/<action>: resolves when the API's answer says it was done. */
function keyAction(
  transport: QStashTransport,
  action: Action,
  key: string,
  options: CallOptions | undefined,
  // A function, so that a bad value fails inside `named` and its error names the call.
  query?: () => ReturnType<typeof pinQuery> | ReturnType<typeof unpinQuery>,
): Promise<void> {
  return named(action, key, async () => {
    const params = { path: { flowControlKey: key }, query: query?.() };
    expectActionReply(await transport.request("post", `/v2/flowControl/{flowControlKey}/${action}`, params, options));
  });
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
  return keyAction(transport, "pin", key, options, () => pinQuery(values));
}

/** Removes pinned parallelism and/or rate; the last pinned values apply until a message brings others. */
export function unpin(
  transport: QStashTransport,
  key: string,
  flags: UnpinOptions,
  options?: CallOptions,
): Promise<void> {
  return keyAction(transport, "unpin", key, options, () => unpinQuery(flags));
}

/** One key's state; rejects with `NotFoundError` when the key does not exist. */
export function get(transport: QStashTransport, key: string, options?: CallOptions): Promise<FlowControlInfo> {
  return named("get", key, async () => {
    const params = { path: { flowControlKey: key } };
    return toFlowControlInfo(await transport.request("get", "/v2/flowControl/{flowControlKey}", params, options), key);
  });
}

/** Every key's state. */
export function list(transport: QStashTransport, options?: CallOptions): Promise<FlowControlInfo[]> {
  return named("list", undefined, async () => {
    const items = expectList(await transport.request("get", "/v2/flowControl", {}, options), "a list of keys");
    // An entry without a key would come back with the empty key, which no call accepts.
    if (!items.every((item) => typeof (item as { flowControlKey?: unknown } | null)?.flowControlKey === "string")) {
      throw notTheApis("a list of keys", "an entry has no flowControlKey");
    }
    return items.map((item) => toFlowControlInfo(item));
  });
}

/** The account-wide parallelism limit and its use. */
export function getGlobalParallelism(transport: QStashTransport, options?: CallOptions): Promise<GlobalParallelism> {
  return named("getGlobalParallelism", undefined, async () =>
    toGlobalParallelism(await transport.request("get", "/v2/globalParallelism", {}, options)),
  );
}
