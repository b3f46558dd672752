import type { DevServerEvent } from "../events.js";
import { about, type AttemptEnd, deadEvent, endAttempt, failureCallbackFor } from "./attempt-end.js";
import { CapacityError } from "./capacity.js";
import { DeadLetters } from "./dead-letters.js";
import { createAgents, type Delivery, deliver } from "./delivery.js";
import type { FlowConfig } from "./flow-value.js";
import { FlowKey } from "./key-state.js";
import type { Message } from "./message.js";
import { PendingMessages } from "./pending.js";
import { Alarms, Sleepers } from "./timer.js";

export { CapacityError };

export interface SchedulerOptions {
  globalParallelism: number;
  maxWaitingMessages: number;
  maxKeys: number;
  maxBodyBytes: number;
  retryDelayScale: number;
  currentSigningKey: string;
  emit: (event: DevServerEvent) => void;
}

/**
 * Holds every key and waiting message and starts deliveries as the limits allow: per
 * key parallelism and rate, then the global parallelism. Messages of a key start in
 * the order they were published. A message waiting for its first attempt
 * (`Upstash-Delay`) or for a retry sleeps outside every waitlist, holding no slot, and
 * joins its key's waitlist when it wakes, so its attempt counts against the key's rate
 * like any other. Everything runs on the event loop, so no locking.
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #keys = new Map<string, FlowKey>();
  // Messages without a key: only the global parallelism holds them back.
  readonly #direct: Message[] = [];
  readonly #timers = new Alarms<FlowKey>();
  readonly #deliveries = new Set<Delivery>();
  // Messages waiting for their time (a delay or a retry's backoff), not yet in a waitlist.
  readonly #sleeping = new Sleepers<Message>();
  readonly #agents = createAgents();
  /** Messages from publish to their end, for the Messages routes; cancel through `cancel()`. */
  readonly pending = new PendingMessages();
  /** Messages that exhausted their retries (the DLQ), kept until deleted, retried or the server closes. */
  readonly dead = new DeadLetters();
  #inFlight = 0;
  #waiting = 0;
  #closed = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get closing(): boolean {
    return this.#closed;
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

  /** Messages held: waiting, sleeping until their time, or dead. */
  get #held(): number {
    return this.#waiting + this.#sleeping.size + this.dead.size;
  }

  /** Accepts a message, or throws `CapacityError` with nothing changed. */
  publish(message: Message, config: FlowConfig | undefined): void {
    if (this.#closed) throw new CapacityError("the dev server is closing", 503);
    if (this.#held >= this.#options.maxWaitingMessages) {
      throw new CapacityError(
        `the dev server holds ${this.#held} waiting, retrying or dead messages, its limit (maxWaitingMessages); ` +
          "let deliveries drain (resume paused keys), delete dead letters, or raise the limit",
      );
    }
    this.#admit(message, config);
  }

  /**
   * A dead message sent again as `message`: it takes the dead one's place, so what is held
   * does not grow and no capacity check applies. Throws `CapacityError` with nothing changed.
   */
  requeue(dlqId: string, message: Message, config: FlowConfig | undefined): void {
    if (this.#closed) throw new CapacityError("the dev server is closing", 503);
    this.#admit(message, config, () => this.dead.delete(dlqId));
  }

  /** Its key made (which may throw, before `commit` changes anything), then into the queue. */
  #admit(message: Message, config: FlowConfig | undefined, commit?: () => void): void {
    const key = message.key === undefined ? undefined : this.ensureKey(message.key);
    commit?.();
    // The key follows the configuration when the message is published, not when it wakes.
    if (key && config) key.follow(config, Date.now());
    this.#enqueue(message);
  }

  /** Into its key's waitlist (or the keyless one) now, or asleep until `notBefore`. */
  #enqueue(message: Message): void {
    this.pending.hold(message);
    const wait = message.notBefore - Date.now();
    if (wait > 0) {
      // A timer may fire a hair early: enqueue checks the time again and sleeps the rest.
      this.#sleeping.sleep(message, wait, (woken) => this.#closed || this.#enqueue(woken));
      return;
    }
    this.#waiting++;
    const key = message.key === undefined ? undefined : this.#keys.get(message.key);
    if (!key) {
      this.#direct.push(message);
      this.#pumpDirect();
      return;
    }
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
    // The earliest wins: a shorter period from a newer message must not wait for the old
    // period's end. Timers may fire a hair early; pump() simply sets a new one then.
    this.#timers.set(key, Date.now() + Math.max(1, delay), (woken) => this.pump(woken));
  }

  #start(message: Message, key: FlowKey | undefined): void {
    this.#waiting--;
    this.#inFlight++;
    this.pending.takeOff(message);
    const delivery = deliver(message, {
      signingKey: this.#options.currentSigningKey,
      agents: this.#agents,
      maxBodyBytes: this.#options.maxBodyBytes,
    });
    this.#deliveries.add(delivery);
    void delivery.done.then((outcome) => {
      this.#deliveries.delete(delivery);
      this.#inFlight--;
      if (key) key.inFlight--;
      let end = endAttempt(message, outcome, this.#options.retryDelayScale);
      const cancelled = this.pending.land(message) && (end.retry ?? end.dead) !== undefined;
      // A cancelled message's failed attempt is its last: no retry, no dead message.
      if (cancelled) end = { events: end.events.slice(0, 1), ...(end.callback ? { callback: end.callback } : {}) };
      if (!end.retry) this.pending.end(message);
      if (this.#closed) {
        // Nothing follows an attempt once the server closes: no retry, no callback.
        if ("error" in outcome) this.#options.emit({ type: "failed", ...about(message), error: outcome.error });
        else if (end.events.some((event) => event.type === "delivered"))
          for (const event of end.events) this.#options.emit(event);
        else this.#options.emit({ type: "dropped", ...about(message) });
        return;
      }
      // The slot is free before any retry waits: a waiting retry holds none.
      this.#afterAttempt(end);
      if (cancelled) this.#options.emit({ type: "cancelled", ...about(message) });
      if (key) this.pump(key);
      if (this.#options.globalParallelism > 0) this.#pumpAll();
    });
  }

  #afterAttempt(end: AttemptEnd): void {
    const { emit } = this.#options;
    for (const event of end.events) emit(event);
    if (end.callback) this.#spawn(end.callback, end.events[0] as { messageId: string });
    if (end.retry) this.#enqueue(end.retry);
    if (end.dead) {
      const dead = this.dead.add(end.dead.message, end.dead.last);
      emit(deadEvent(dead));
      const failure = failureCallbackFor(dead);
      if (failure) this.#spawn(failure, { messageId: dead.message.id });
    }
  }

  /** Callbacks are accepted whatever the capacity: refusing one would lose it silently. */
  #spawn(message: Message, source: { messageId: string }): void {
    const kind = message.kind === "failureCallback" ? "failureCallback" : "callback";
    this.#options.emit({ type: "callback", ...about(message), kind, sourceMessageId: source.messageId });
    this.#enqueue(message);
  }

  /**
   * Cancels messages; returns how many. A waiting or sleeping message goes at once and
   * leaves its waitlist; one in flight keeps its attempt (it reached the destination),
   * and is gone after it: delivered on a 2xx, else cancelled instead of retried.
   */
  cancel(messages: Iterable<Message>): number {
    let count = 0;
    const waiting = new Set<string>();
    for (const message of messages) {
      const cancelled = this.pending.cancel(message);
      if (cancelled) count++;
      if (cancelled !== "gone") continue;
      if (!this.#sleeping.cancel(message)) waiting.add(message.id);
      this.#options.emit({ type: "cancelled", ...about(message) });
    }
    if (waiting.size === 0) return count;
    const lists = [this.#direct, ...[...this.#keys.values()].map((key) => key.waiting)];
    for (const list of lists) {
      const kept = list.filter((message) => !waiting.has(message.id));
      this.#waiting -= list.length - kept.length;
      if (kept.length < list.length) list.splice(0, list.length, ...kept);
    }
    return count;
  }

  /** Stops everything: aborts deliveries in flight, clears timers, drops waiting messages (each one reported). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timers.clear();
    const dropped = [...this.#direct, ...[...this.#keys.values()].flatMap((key) => key.waiting)];
    this.#direct.length = 0;
    for (const key of this.#keys.values()) key.waiting.length = 0;
    dropped.push(...this.#sleeping.clear());
    this.#waiting = 0;
    this.pending.clear();
    for (const message of dropped) this.#options.emit({ type: "dropped", ...about(message) });
    const pending = [...this.#deliveries];
    for (const delivery of pending) delivery.abort("the dev server closed");
    await Promise.all(pending.map((delivery) => delivery.done));
    // Kept-alive connections to destinations go too, so nothing outlives close().
    for (const agent of Object.values(this.#agents)) agent.destroy();
  }
}
