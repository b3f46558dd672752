// Messages that exhausted their retries. Kept whole (body, headers, settings) and
// indexed by flow-control key, so they can be listed, sent again or deleted per key.
import type { Message } from "./message.js";

/** The last answer of a dead message: the destination's status, headers and body, or why there was none. */
export type LastAnswer =
  | { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }
  | { error: string };

export interface DeadMessage {
  /** Unique per server, in QStash's DLQ id form (`<unix ms>-<sequence>`). */
  dlqId: string;
  /** The message as it was last tried; `message.retried` is the retries made. */
  message: Message;
  last: LastAnswer;
  /** Unix ms. */
  diedAt: number;
}

export class DeadLetters {
  readonly #byId = new Map<string, DeadMessage>();
  // Keyless messages are indexed under "".
  readonly #byKey = new Map<string, Set<string>>();
  #sequence = 0;

  get size(): number {
    return this.#byId.size;
  }

  add(message: Message, last: LastAnswer, now = Date.now()): DeadMessage {
    const dead: DeadMessage = { dlqId: `${now}-${this.#sequence++}`, message, last, diedAt: now };
    this.#byId.set(dead.dlqId, dead);
    const key = message.key ?? "";
    const ids = this.#byKey.get(key) ?? new Set<string>();
    this.#byKey.set(key, ids);
    ids.add(dead.dlqId);
    return dead;
  }

  get(dlqId: string): DeadMessage | undefined {
    return this.#byId.get(dlqId);
  }

  /** Oldest first; with `flowControlKey`, that key's only. */
  list(filter: { flowControlKey?: string } = {}): DeadMessage[] {
    if (filter.flowControlKey === undefined) return [...this.#byId.values()];
    const ids = this.#byKey.get(filter.flowControlKey) ?? new Set<string>();
    return [...ids].map((id) => this.#byId.get(id) as DeadMessage);
  }

  delete(dlqId: string): boolean {
    const dead = this.#byId.get(dlqId);
    if (!dead) return false;
    this.#byId.delete(dlqId);
    const key = dead.message.key ?? "";
    const ids = this.#byKey.get(key);
    ids?.delete(dlqId);
    if (ids?.size === 0) this.#byKey.delete(key);
    return true;
  }
}
