// Each operation is a standalone function over a typed client, so that a bundle that
// imports only `pause` carries only `pause`. `FlowControl` wraps them as methods.
import {
  assertValidKey,
  makeAPIError,
  type QStashClient,
  QStashError,
  type RequestPolicy,
  ValidationError,
} from "@qstash-flow/fetch";
import { type FlowControlInfo, type GlobalParallelism, toFlowControlInfo, toGlobalParallelism } from "./info.js";
import { type PinOptions, pinQuery, type UnpinOptions, unpinQuery } from "./options.js";

/** The last argument of every operation. */
export interface CallOptions extends RequestPolicy {
  /** Aborts the call, retries and backoff waits included; rejects with `AbortError`. */
  signal?: AbortSignal;
}

interface Result {
  data?: unknown;
  error?: unknown;
  response: Response;
}

const CALL_OPTIONS = ["signal", "maxRetries", "timeout"];

function callInit(options: CallOptions | undefined, operation: string, key?: string): CallOptions {
  if (options === undefined) return {};
  const context = { operation, key };
  if (typeof options !== "object" || options === null) {
    throw new ValidationError("call options must be an object", context);
  }
  for (const name of Object.keys(options)) {
    if (!CALL_OPTIONS.includes(name)) {
      throw new ValidationError(
        `unknown call option ${JSON.stringify(name)}; expected ${CALL_OPTIONS.join(", ")}`,
        context,
      );
    }
  }
  if (options.signal !== undefined && !(typeof options.signal === "object" && "aborted" in options.signal)) {
    throw new ValidationError("signal must be an AbortSignal", context);
  }
  return options;
}

async function invoke(operation: string, key: string | undefined, request: () => Promise<Result>): Promise<unknown> {
  let result: Result;
  try {
    result = await request();
  } catch (error) {
    if (error instanceof QStashError) throw error.operation ? error : error.withContext({ operation, key });
    if (error instanceof SyntaxError) {
      throw new QStashError("the response body is not valid JSON", { operation, key, cause: error });
    }
    throw error;
  }
  if (!result.response.ok) throw makeAPIError(result.response, result.error, { operation, key });
  return result.data;
}

/** POST /v2/flowControl/{key}/<action> with no response body. */
async function keyAction(
  client: QStashClient,
  operation: "pause" | "resume" | "resetRate",
  key: string,
  options: CallOptions | undefined,
): Promise<void> {
  assertValidKey(key, { operation });
  const init = callInit(options, operation, key);
  await invoke(operation, key, () =>
    client.POST(`/v2/flowControl/{flowControlKey}/${operation}`, {
      ...init,
      params: { path: { flowControlKey: key } },
      parseAs: "text",
    }),
  );
}

/** Stops delivery of the key's messages until `resume`; new messages wait. */
export function pause(client: QStashClient, key: string, options?: CallOptions): Promise<void> {
  return keyAction(client, "pause", key, options);
}

/** Starts delivery of the key's messages again; the waitlist drains. */
export function resume(client: QStashClient, key: string, options?: CallOptions): Promise<void> {
  return keyAction(client, "resume", key, options);
}

/** Clears the key's rate count and starts a new period now. */
export function resetRate(client: QStashClient, key: string, options?: CallOptions): Promise<void> {
  return keyAction(client, "resetRate", key, options);
}

/** Fixes parallelism, rate and/or period; incoming messages' configurations are ignored until unpinned. */
export async function pin(client: QStashClient, key: string, values: PinOptions, options?: CallOptions): Promise<void> {
  const operation = "pin";
  assertValidKey(key, { operation });
  const query = pinQuery(values, { operation, key });
  const init = callInit(options, operation, key);
  await invoke(operation, key, () =>
    client.POST("/v2/flowControl/{flowControlKey}/pin", {
      ...init,
      params: { path: { flowControlKey: key }, query },
      parseAs: "text",
    }),
  );
}

/** Removes pinned parallelism and/or rate; the last pinned values apply until a message brings others. */
export async function unpin(
  client: QStashClient,
  key: string,
  flags: UnpinOptions,
  options?: CallOptions,
): Promise<void> {
  const operation = "unpin";
  assertValidKey(key, { operation });
  const query = unpinQuery(flags, { operation, key });
  const init = callInit(options, operation, key);
  await invoke(operation, key, () =>
    client.POST("/v2/flowControl/{flowControlKey}/unpin", {
      ...init,
      params: { path: { flowControlKey: key }, query },
      parseAs: "text",
    }),
  );
}

/** One key's state; rejects with `NotFoundError` when the key does not exist. */
export async function get(client: QStashClient, key: string, options?: CallOptions): Promise<FlowControlInfo> {
  const operation = "get";
  assertValidKey(key, { operation });
  const init = callInit(options, operation, key);
  const data = await invoke(operation, key, () =>
    client.GET("/v2/flowControl/{flowControlKey}", { ...init, params: { path: { flowControlKey: key } } }),
  );
  return toFlowControlInfo(data as never, key);
}

/** Every key's state. */
export async function list(client: QStashClient, options?: CallOptions): Promise<FlowControlInfo[]> {
  const operation = "list";
  const init = callInit(options, operation);
  const data = await invoke(operation, undefined, () => client.GET("/v2/flowControl", init));
  if (data === undefined || data === null) return [];
  if (!Array.isArray(data)) {
    throw new QStashError("the response body is not a list of keys", { operation });
  }
  return data.map((item) => toFlowControlInfo(item));
}

/** The account-wide parallelism limit and its use. */
export async function getGlobalParallelism(client: QStashClient, options?: CallOptions): Promise<GlobalParallelism> {
  const operation = "getGlobalParallelism";
  const init = callInit(options, operation);
  return toGlobalParallelism(await invoke(operation, undefined, () => client.GET("/v2/globalParallelism", init)));
}
