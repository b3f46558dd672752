import {
  createQStashTransport,
  type QStashClientOptions,
  type QStashTransport,
  ValidationError,
} from "@qstash-flow/fetch";
import type { FlowControlInfo, GlobalParallelism } from "./info.js";
import * as ops from "./operations.js";
import type { CallOptions } from "./operations.js";
import type { PinOptions, UnpinOptions } from "./options.js";

export type FlowControlOptions = QStashClientOptions;

type Env = Record<string, string | undefined>;

/**
 * Pause, resume, pin, unpin and inspect QStash flow-control keys. Method names follow
 * the official SDK's `client.flowControl`. Every method validates its input before
 * sending, retries transient failures, and rejects with a `QStashError` subclass.
 */
export class FlowControl {
  readonly #transport: QStashTransport;

  constructor(options: FlowControlOptions) {
    this.#transport = createQStashTransport(options);
  }

  /**
   * A client from `QSTASH_TOKEN` (required) and `QSTASH_URL` (optional) in `env`,
   * which defaults to `process.env` where there is one.
   */
  static fromEnv(env?: Env, options: Omit<FlowControlOptions, "token" | "baseUrl"> = {}): FlowControl {
    const source: Env = env ?? (globalThis as { process?: { env?: Env } }).process?.env ?? {};
    const token = source.QSTASH_TOKEN;
    if (!token?.trim()) {
      throw new ValidationError("the environment variable QSTASH_TOKEN is not set");
    }
    const baseUrl = source.QSTASH_URL?.trim();
    return new FlowControl({ ...options, token, ...(baseUrl ? { baseUrl } : {}) });
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
}
