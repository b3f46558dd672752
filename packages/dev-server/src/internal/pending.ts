// Every message from publish to its end (delivered, dead or cancelled), by id, oldest
// first, and which are in flight: what the Messages routes read and cancel.
import type { Message } from "./message.js";

export class PendingMessages {
  readonly #byId = new Map<string, Message>();
  readonly #flying = new Set<string>();
  // Cancelled in flight: the attempt's answer decides (docs: qstash/howto/debug-logs).
  readonly #cancelRequested = new Set<string>();

  /** Held again after a retry's wait: the newest copy, in its first place. */
  hold(message: Message): void {
    this.#byId.set(message.id, message);
  }

  get(id: string): Message | undefined {
    return this.#byId.get(id);
  }

  /** Not yet ended, and not already cancelled in flight. */
  list(): Message[] {
    return [...this.#byId.values()].filter((message) => !this.#cancelRequested.has(message.id));
  }

  takeOff(message: Message): void {
    this.#flying.add(message.id);
  }

  /** The attempt ended; true when the message was cancelled meanwhile. */
  land(message: Message): boolean {
    this.#flying.delete(message.id);
    return this.#cancelRequested.delete(message.id);
  }

  end(message: Message): void {
    this.#byId.delete(message.id);
  }

  /**
   * "gone" when the message leaves now, "inFlight" when its attempt decides, undefined
   * when it is not held (or is no longer this copy) or was already cancelled.
   */
  cancel(message: Message): "gone" | "inFlight" | undefined {
    if (this.#byId.get(message.id) !== message || this.#cancelRequested.has(message.id)) return undefined;
    if (this.#flying.has(message.id)) {
      this.#cancelRequested.add(message.id);
      return "inFlight";
    }
    this.#byId.delete(message.id);
    return "gone";
  }

  clear(): void {
    this.#byId.clear();
  }
}
