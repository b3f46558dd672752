import type { DevServerEvent } from "../events.js";
import { createAgents, type Delivery, deliver } from "./delivery.js";
import type { FlowConfig } from "./flow-value.js";
import { FlowKey, type Message } from "./key-state.js";
import { type LongTimer, setLongTimeout } from "./timer.js";

export interface SchedulerOptions {
  globalParallelism: number;
  maxWaitingMessages: number;
  maxKeys: number;
  deliveryTimeout: number;
  currentSigningKey: string;
  emit: (event: DevServerEvent) => void;
}

/** Why a message or key was refused: the server is at one of its memory bounds (429) or closing (503). */
export class CapacityError extends Error {
  constructor(
    message: string,
    readonly status: 429 | 503 = 429,
  ) {
    super(message);
  }
}

/**
 * Holds every key and waiting message and starts deliveries as the limits allow: per
 * key parallelism and rate, then the global parallelism. Messages of a key start in
 * the order they were published. Everything runs on the event loop, so no locking.
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #keys = new Map<string, FlowKey>();
  // Messages without a key: only the global parallelism holds them back.
  readonly #direct: Message[] = [];
  readonly #timers = new Map<FlowKey, { timer: LongTimer; at: number }>();
  readonly #deliveries = new Set<Delivery>();
  readonly #agents = createAgents();
  #inFlight = 0;
  #waiting = 0;
  #closed = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  key(name: string): FlowKey | undefined {
    return this.#keys.get(name);
  }

  keys(): FlowKey[] {
    return [...this.#keys.values()];
  }

  /** The key, created when new; throws `CapacityError` past `maxKeys`. */
  ensureKey(name: string): FlowKey {
    let key = this.#keys.get(name);
    if (key) return key;
    if (this.#keys.size >= this.#options.maxKeys) {
      throw new CapacityError(
        `the dev server tracks ${this.#keys.size} flow-control keys, its limit (maxKeys); use fewer keys or raise it`,
      );
    }
    key = new FlowKey(name, Date.now());
    this.#keys.set(name, key);
    return key;
  }

  /** Accepts a message, or throws `CapacityError` with nothing changed. */
  publish(message: Message, config: FlowConfig | undefined): void {
    if (this.#closed) throw new CapacityError("the dev server is closing", 503);
    if (this.#waiting >= this.#options.maxWaitingMessages) {
      throw new CapacityError(
        `the dev server holds ${this.#waiting} waiting messages, its limit (maxWaitingMessages); ` +
          "let deliveries drain (resume paused keys) or raise the limit",
      );
    }
    const key = message.key === undefined ? undefined : this.ensureKey(message.key);
    this.#waiting++;
    if (!key) {
      this.#direct.push(message);
      this.#pumpDirect();
      return;
    }
    if (config) key.follow(config, Date.now());
    key.waiting.push(message);
    this.pump(key);
  }

  /** Starts what the limits allow; call after anything that may lift a limit. */
  pump(key: FlowKey): void {
    for (;;) {
      if (this.#closed || this.#atGlobalLimit()) return;
      const now = Date.now();
      const blocker = key.blocker(now);
      if (blocker === "rate") this.#wakeAt(key, key.periodEnd - now);
      if (blocker !== undefined) return;
      const message = key.waiting.shift() as Message;
      key.rateCount++;
      key.inFlight++;
      this.#start(message, key);
    }
  }

  #pumpDirect(): void {
    while (this.#direct.length > 0 && !this.#closed && !this.#atGlobalLimit()) {
      this.#start(this.#direct.shift() as Message, undefined);
    }
  }

  // A freed global slot may unblock any key: the oldest keys get it first.
  #pumpAll(): void {
    this.#pumpDirect();
    for (const key of this.#keys.values()) this.pump(key);
  }

  #atGlobalLimit(): boolean {
    return this.#options.globalParallelism > 0 && this.#inFlight >= this.#options.globalParallelism;
  }

  #wakeAt(key: FlowKey, delay: number): void {
    const at = Date.now() + Math.max(1, delay);
    const pending = this.#timers.get(key);
    // A shorter period from a newer message must not wait for the old period's end.
    if (pending && pending.at <= at) return;
    if (pending) pending.timer.cancel();
    // Timers may fire a hair early; pump() simply sets a new one then.
    const timer = setLongTimeout(() => {
      this.#timers.delete(key);
      this.pump(key);
    }, at - Date.now());
    this.#timers.set(key, { timer, at });
  }

  #start(message: Message, key: FlowKey | undefined): void {
    this.#waiting--;
    this.#inFlight++;
    const delivery = deliver(message, {
      timeout: this.#options.deliveryTimeout,
      signingKey: this.#options.currentSigningKey,
      agents: this.#agents,
    });
    this.#deliveries.add(delivery);
    const about = { messageId: message.id, destination: message.destination.href, flowControlKey: message.key };
    void delivery.done.then((outcome) => {
      this.#deliveries.delete(delivery);
      this.#inFlight--;
      if (key) key.inFlight--;
      this.#options.emit(
        "status" in outcome ? { type: "delivered", ...about, ...outcome } : { type: "failed", ...about, ...outcome },
      );
      if (this.#closed) return;
      if (key) this.pump(key);
      if (this.#options.globalParallelism > 0) this.#pumpAll();
    });
  }

  /** Stops everything: aborts deliveries in flight, clears timers, drops waiting messages (each one reported). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const { timer } of this.#timers.values()) timer.cancel();
    this.#timers.clear();
    const dropped = [...this.#direct, ...[...this.#keys.values()].flatMap((key) => key.waiting)];
    this.#direct.length = 0;
    for (const key of this.#keys.values()) key.waiting.length = 0;
    this.#waiting = 0;
    for (const message of dropped) {
      this.#options.emit({
        type: "dropped",
        messageId: message.id,
        destination: message.destination.href,
        flowControlKey: message.key,
      });
    }
    const pending = [...this.#deliveries];
    for (const delivery of pending) delivery.abort("the dev server closed");
    await Promise.all(pending.map((delivery) => delivery.done));
    // Kept-alive connections to destinations go too, so nothing outlives close().
    for (const agent of Object.values(this.#agents)) agent.destroy();
  }
}
