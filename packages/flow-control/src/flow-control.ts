import {
  createQStashTransport,
  type QStashClientOptions,
  type QStashTransport,
  ValidationError,
} from "@qstash-flow/fetch";
import { type Credentials, credentialsFromEnv, type Env } from "./env.js";
import type { FlowControlInfo, GlobalParallelism } from "./info.js";
import * as messages from "./messages.js";
import type { DeadLetterPage } from "./messages.js";
import * as ops from "./operations.js";
import type { CallOptions } from "./operations.js";
import type { PinOptions, UnpinOptions } from "./options.js";

export type FlowControlOptions = QStashClientOptions;

/** `FlowControl.fromEnv` found no token, in the options or the environment; `warning` says why a region was not followed. */
export class MissingTokenError extends ValidationError {
  override name = "MissingTokenError";
  override readonly code: string = "missing_token";
  declare readonly warning: string | undefined;

  constructor(warning: string | undefined) {
    super(`the environment variable QSTASH_TOKEN is not set${warning ? ` (${warning})` : ""}`);
    Object.assign(this, { warning });
  }
}

/** Where a client's token and URL came from (names, never values), and any fallback made. */
export type CredentialsSource = Pick<Credentials, "tokenFrom" | "baseUrlFrom" | "warning">;

/**
 * Pause, resume, pin, unpin and inspect QStash flow-control keys, and act on a key's
 * messages (cancel those waiting, list, retry or delete its dead letters). Method names
 * follow the official SDK's `client.flowControl`. Every method validates its input before
 * sending, retries transient failures, and rejects with a `QStashError` subclass.
 */
export class FlowControl {
  readonly #transport: QStashTransport;
  #source: CredentialsSource;

  constructor(options: FlowControlOptions) {
    this.#transport = createQStashTransport(options);
    const urlGiven = options.baseUrl !== undefined || options.region !== undefined;
    this.#source = { tokenFrom: "options", baseUrlFrom: urlGiven ? "options" : undefined, warning: undefined };
  }

  /**
   * A client from the environment (`env`, default `process.env` where there is one), in
   * the official SDK's order: `options.token` / `baseUrl` / `region` first; then, when
   * `QSTASH_REGION` is `EU_CENTRAL_1` or `US_EAST_1`, `<REGION>_QSTASH_URL` and
   * `<REGION>_QSTASH_TOKEN`; then `QSTASH_URL` and `QSTASH_TOKEN`. It never prints: the
   * client's `credentialsSource` says which variables it read and, in `warning`, that an
   * incomplete or unknown region fell back to the plain variables.
   */
  static fromEnv(env?: Env, options?: Partial<FlowControlOptions>): FlowControl {
    const variables: Env = env ?? (globalThis as { process?: { env?: Env } }).process?.env ?? {};
    // `region` passes through as given; the token and `baseUrl` may come from the
    // environment. The rest says where they came from (names, never values).
    const { token, baseUrl, region: _region, ...source } = credentialsFromEnv(variables, options);
    if (token === undefined) throw new MissingTokenError(source.warning);
    const flow = new FlowControl({ ...options, token, ...(baseUrl !== undefined && { baseUrl }) });
    flow.#source = source;
    return flow;
  }

  /**
   * Where the token and URL came from: `"options"` or the environment variable's name
   * (`baseUrlFrom` is `undefined` for the default server), and `warning` when `fromEnv`
   * could not follow `QSTASH_REGION`. Names only, never the token.
   */
  get credentialsSource(): CredentialsSource {
    return { ...this.#source };
  }

  /** The transport this wrapper sends through; the function forms (`pause(transport, key)`) take it too. */
  get transport(): QStashTransport {
    return this.#transport;
  }

  list(options?: CallOptions): Promise<FlowControlInfo[]> {
    return ops.list(this.#transport, options);
  }

  get(key: string, options?: CallOptions): Promise<FlowControlInfo> {
    return ops.get(this.#transport, key, options);
  }

  pause(key: string, options?: CallOptions): Promise<void> {
    return ops.pause(this.#transport, key, options);
  }

  resume(key: string, options?: CallOptions): Promise<void> {
    return ops.resume(this.#transport, key, options);
  }

  pin(key: string, values: PinOptions, options?: CallOptions): Promise<void> {
    return ops.pin(this.#transport, key, values, options);
  }

  unpin(key: string, flags: UnpinOptions, options?: CallOptions): Promise<void> {
    return ops.unpin(this.#transport, key, flags, options);
  }

  resetRate(key: string, options?: CallOptions): Promise<void> {
    return ops.resetRate(this.#transport, key, options);
  }

  getGlobalParallelism(options?: CallOptions): Promise<GlobalParallelism> {
    return ops.getGlobalParallelism(this.#transport, options);
  }

  /** Cancels the key's waiting messages; resolves with how many. */
  cancelMessages(key: string, options?: CallOptions): Promise<number> {
    return messages.cancelMessages(this.#transport, key, options);
  }

  /** The key's dead letters, a page at a time. */
  listDeadLetters(key: string, options?: CallOptions): AsyncIterableIterator<DeadLetterPage> {
    return messages.listDeadLetters(this.#transport, key, options);
  }

  /** How many dead letters each key has, across the whole DLQ. */
  countDeadLetters(options?: CallOptions): Promise<Map<string, number>> {
    return messages.countDeadLetters(this.#transport, options);
  }

  /** Retries the key's dead letters through its flow control; resolves with how many. */
  retryDeadLetters(key: string, options?: CallOptions): Promise<number> {
    return messages.retryDeadLetters(this.#transport, key, options);
  }

  /** Deletes the key's dead letters; resolves with how many. */
  deleteDeadLetters(key: string, options?: CallOptions): Promise<number> {
    return messages.deleteDeadLetters(this.#transport, key, options);
  }
}
