// Callbacks and failure callbacks: new messages to the callback URL whose JSON body is
// the one QStash documents (docs: qstash/features/callbacks), signed and retried like any
// message. QStash calls the callback after every attempt that got an answer, and the
// failure callback once, when the message is dead.
import type { LastAnswer } from "./dead-letters.js";
import { type CallbackTarget, type Message, newMessageId } from "./message.js";
import { headerLists } from "./publish-headers.js";

/**
 * QStash's callback body. An attempt without an answer (timeout, connection failure) has
 * no status: the dev server reports `status: 0`, no headers, and the error as the body.
 */
export function callbackBody(message: Message, last: LastAnswer, dlqId?: string): Record<string, unknown> {
  const answer =
    "status" in last
      ? { status: last.status, header: headerLists(last.headers), body: last.body.toString("base64") }
      : { status: 0, header: {}, body: Buffer.from(last.error).toString("base64") };
  return {
    ...answer,
    retried: message.retried,
    maxRetries: message.retries,
    ...(dlqId === undefined ? {} : { dlqId }),
    sourceMessageId: message.id,
    url: message.destination.href,
    method: message.method,
    sourceHeader: headerLists(message.headers),
    sourceBody: message.body.toString("base64"),
    notBefore: String(message.notBefore),
    createdAt: String(message.createdAt),
    callerIP: message.callerIp,
  };
}

/** The message that carries a callback body to `target`: no flow-control key, as callback headers carry none. */
export function callbackMessage(
  kind: "callback" | "failureCallback",
  target: CallbackTarget,
  body: Record<string, unknown>,
  source: Message,
  now = Date.now(),
): Message {
  const id = newMessageId();
  return {
    id,
    destination: target.url,
    method: target.method,
    headers: {
      ...target.headers,
      "content-type": "application/json",
      "upstash-message-id": id,
      "user-agent": "qstash-flow-dev-server",
    },
    body: Buffer.from(JSON.stringify(body)),
    key: undefined,
    flow: undefined,
    retries: target.retries,
    retryDelay: target.retryDelay,
    timeout: target.timeout,
    callback: undefined,
    failureCallback: undefined,
    label: source.label,
    redact: source.redact,
    createdAt: now,
    notBefore: now + target.delay,
    retried: 0,
    callerIp: source.callerIp,
    kind,
  };
}
