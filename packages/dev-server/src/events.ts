/** The message an event is about. */
interface About {
  messageId: string;
  destination: string;
  flowControlKey?: string | undefined;
  /** `Upstash-Label`, when the message has one. */
  label?: string | undefined;
}

/** What the dev server reports to the `log` hook. */
export type DevServerEvent =
  | { type: "listening"; url: string }
  | {
      /** An API call was answered (publish included). No token, query or body is reported. */
      type: "request";
      method: string;
      operation: string;
      status: number;
      flowControlKey?: string | undefined;
    }
  | (About & {
      type: "published";
      /** Set when the message waits for `Upstash-Delay` or `Upstash-Not-Before`: unix ms of its first attempt. */
      notBefore?: number | undefined;
      /** Set when the message is a dead message retried from the DLQ: the dlqId it had. */
      dlqId?: string | undefined;
    })
  | (About & {
      /** A publish answered with the id of an earlier message (deduplication): nothing new is delivered. */
      type: "deduplicated";
    })
  | (About & {
      /** One attempt ended: `status` when the destination answered (any status), `error` when it did not. */
      type: "attempt";
      /** The attempt's `Upstash-Retried`: 0 for the first. */
      retried: number;
      status?: number | undefined;
      error?: string | undefined;
    })
  | (About & {
      /** The destination answered 2xx: the message is done. */
      type: "delivered";
      status: number;
      retried: number;
    })
  | (About & {
      /** The attempt failed and the message will be tried again after `delay` ms (QStash's delay times the scale). */
      type: "retrying";
      /** The `Upstash-Retried` the next attempt will carry. */
      retried: number;
      delay: number;
      /** The delay QStash would wait, before `retryDelayScale`. */
      qstashDelay: number;
    })
  | (About & {
      /** Retries exhausted (or a non-retryable answer): the message is kept as a dead message. */
      type: "dead";
      dlqId: string;
      retried: number;
      maxRetries: number;
      /** The last answer's status, or why there was none. */
      status?: number | undefined;
      error?: string | undefined;
    })
  | (About & {
      /** A callback or failure callback message was created for `sourceMessageId`; its own attempts follow. */
      type: "callback";
      kind: "callback" | "failureCallback";
      sourceMessageId: string;
    })
  | (About & {
      /** An attempt cut short because the server closed; the message is not retried. */
      type: "failed";
      error: string;
    })
  | (About & {
      /** Waiting (or waiting for a retry) when the server closed, so never sent again. */
      type: "dropped";
    })
  | (About & {
      /** Cancelled through the API: at once when waiting, after its failed attempt when in flight. */
      type: "cancelled";
    });

function last(event: { status?: number | undefined; error?: string | undefined }): string {
  return event.status !== undefined ? `${event.status}` : `${event.error}`;
}

/** One line of text for an event, as the bin prints it. */
export function formatDevServerEvent(event: DevServerEvent): string {
  const key = "flowControlKey" in event && event.flowControlKey !== undefined ? ` key=${event.flowControlKey}` : "";
  switch (event.type) {
    case "listening":
      return `listening on ${event.url}`;
    case "request":
      return `${event.method} ${event.operation} -> ${event.status}${key}`;
    case "published": {
      const later = event.notBefore === undefined ? "" : ` not before ${new Date(event.notBefore).toISOString()}`;
      const from = event.dlqId === undefined ? "" : ` (retried from the DLQ, dlqId=${event.dlqId})`;
      return `published ${event.messageId} -> ${event.destination}${later}${from}${key}`;
    }
    case "deduplicated":
      return `deduplicated ${event.messageId} -> ${event.destination} (a duplicate publish, not enqueued)${key}`;
    case "attempt":
      return `attempt ${event.messageId} -> ${event.destination} retried=${event.retried}: ${last(event)}${key}`;
    case "delivered":
      return `delivered ${event.messageId} -> ${event.destination} (${event.status})${key}`;
    case "retrying":
      return `retrying ${event.messageId} -> ${event.destination} in ${event.delay} ms (QStash: ${Math.round(event.qstashDelay)} ms), retried=${event.retried}${key}`;
    case "dead":
      return `dead ${event.messageId} -> ${event.destination} after ${event.retried} retries, last answer ${last(event)}, dlqId=${event.dlqId}${key}`;
    case "callback":
      return `${event.kind} ${event.messageId} -> ${event.destination} for ${event.sourceMessageId}`;
    case "failed":
      return `failed ${event.messageId} -> ${event.destination}: ${event.error}${key}`;
    case "dropped":
      return `dropped ${event.messageId} -> ${event.destination} (server closed)${key}`;
    case "cancelled":
      return `cancelled ${event.messageId} -> ${event.destination}${key}`;
  }
}
