// What follows one attempt, as QStash does it (docs: qstash/features/retry): a 2xx
// answer delivers; anything else (3xx included, as redirects are not followed), a
// timeout or a connection failure is a failed attempt, retried after a backoff until
// `Upstash-Retries` retries are spent; then the message is dead.
import type { DevServerEvent } from "../events.js";
import { callbackBody, callbackMessage } from "./callback.js";
import type { DeadMessage, LastAnswer } from "./dead-letters.js";
import type { DeliveryOutcome } from "./delivery.js";
import type { Message } from "./message.js";
import { retryDelayMs } from "./retry.js";

export interface AttemptEnd {
  /** `attempt`, then `delivered` or `retrying` (a dead message's event needs its dlqId). */
  events: DevServerEvent[];
  /** The message again, due at its retry time. */
  retry?: Message;
  dead?: { message: Message; last: LastAnswer };
  /** The callback for this attempt's answer. */
  callback?: Message;
}

export function about(message: Message) {
  return {
    messageId: message.id,
    destination: message.destination.href,
    flowControlKey: message.key,
    ...(message.label === undefined ? {} : { label: message.label }),
  };
}

/** QStash's way for a destination to say "do not retry": 489 with `Upstash-NonRetryable-Error: true`. */
function nonRetryable(outcome: DeliveryOutcome): boolean {
  return "status" in outcome && outcome.status === 489 && outcome.headers["upstash-nonretryable-error"] === "true";
}

export function endAttempt(message: Message, outcome: DeliveryOutcome, scale: number, now = Date.now()): AttemptEnd {
  const base = about(message);
  const answer = "status" in outcome ? { status: outcome.status } : { error: outcome.error };
  const events: DevServerEvent[] = [{ type: "attempt", ...base, retried: message.retried, ...answer }];
  const end: AttemptEnd = { events };
  // QStash calls the callback with every answer, failed or not; callbacks get none themselves.
  if (message.callback && "status" in outcome) {
    end.callback = callbackMessage("callback", message.callback, callbackBody(message, outcome), message, now);
  }
  if ("status" in outcome && outcome.status >= 200 && outcome.status < 300) {
    events.push({ type: "delivered", ...base, status: outcome.status, retried: message.retried });
    return end;
  }
  if (message.retried >= message.retries || nonRetryable(outcome)) {
    end.dead = { message, last: outcome };
    return end;
  }
  const qstashDelay = retryDelayMs(
    message.retried,
    message.retryDelay,
    "status" in outcome ? outcome.headers : undefined,
    now,
  );
  const delay = Math.round(qstashDelay * scale);
  const retried = message.retried + 1;
  events.push({ type: "retrying", ...base, retried, delay, qstashDelay });
  end.retry = { ...message, retried, notBefore: now + delay };
  return end;
}

export function deadEvent(dead: DeadMessage): DevServerEvent {
  const { message, last } = dead;
  return {
    type: "dead",
    ...about(message),
    dlqId: dead.dlqId,
    retried: message.retried,
    maxRetries: message.retries,
    ...("status" in last ? { status: last.status } : { error: last.error }),
  };
}

/** The failure callback of a dead message, with QStash's failure-callback body (its dlqId included). */
export function failureCallbackFor(dead: DeadMessage, now = Date.now()): Message | undefined {
  const { message, last } = dead;
  if (!message.failureCallback) return undefined;
  return callbackMessage(
    "failureCallback",
    message.failureCallback,
    callbackBody(message, last, dead.dlqId),
    message,
    now,
  );
}
