import type { IncomingMessage } from "node:http";
import type { DevServerEvent } from "../events.js";
import type { Reply } from "./api.js";
import { deliveryHeaders } from "./delivery.js";
import { contentId, type Deduplicator } from "./dedup.js";
import { isAllowedDestination, type HostRule } from "./destination.js";
import { type FlowConfig, keyProblem, parseFlowControlValue } from "./flow-value.js";
import { readBody } from "./http.js";
import { type Message, newMessageId } from "./message.js";
import { readPublishHeaders } from "./publish-headers.js";
import { CapacityError, type Scheduler } from "./scheduler.js";

export interface PublishContext {
  scheduler: Scheduler;
  dedup: Deduplicator;
  allowed: readonly HostRule[];
  maxBodyBytes: number;
  deliveryTimeout: number;
  emit: (event: DevServerEvent) => void;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The key and configuration from the publish headers, or the reason they are refused. */
function flowControl(req: IncomingMessage): { key?: string; config?: FlowConfig } | string {
  const key = header(req, "upstash-flow-control-key");
  const value = header(req, "upstash-flow-control-value");
  if (key === undefined) {
    return value === undefined ? {} : "Upstash-Flow-Control-Value needs an Upstash-Flow-Control-Key header";
  }
  const problem = keyProblem(key);
  if (problem) return `Upstash-Flow-Control-Key: ${problem}`;
  // Without a value the message joins the key under the key's current configuration.
  if (value === undefined) return { key };
  const config = parseFlowControlValue(value);
  return typeof config === "string" ? config : { key, config };
}

/** POST /v2/publish/{destination}, after auth: 201 `{messageId}` once the message is held for delivery. */
export async function publish(context: PublishContext, req: IncomingMessage, destination: URL): Promise<Reply> {
  if (!isAllowedDestination(destination, context.allowed)) {
    return {
      status: 400,
      body: {
        error:
          `the destination host ${destination.hostname} is not loopback; the dev server delivers only to ` +
          "127.0.0.0/8, ::1 and localhost unless started with allowedDestinations listing the host",
      },
    };
  }
  const now = Date.now();
  const options = readPublishHeaders(req.headers, { ...context, now });
  if ("error" in options) return { status: options.status, body: { error: options.error } };
  const flow = flowControl(req);
  if (typeof flow === "string") return { status: 400, body: { error: flow } };
  const body = await readBody(req, context.maxBodyBytes);
  if (body === undefined) {
    return {
      status: 413,
      body: { error: `the message body is larger than ${context.maxBodyBytes} bytes (maxBodyBytes)` },
      headers: { connection: "close" },
    };
  }
  const id = newMessageId();
  const headers = deliveryHeaders(req.headers, id);
  const { deduplicationId, contentBasedDeduplication, ...settings } = options;
  // Both kinds of id share one window; the prefixes keep a chosen id from matching a hash.
  const dedupIds = [
    ...(deduplicationId === undefined ? [] : [`id:${deduplicationId}`]),
    ...(contentBasedDeduplication ? [`content:${contentId(destination.href, withoutId(headers), body)}`] : []),
  ];
  const about = {
    destination: destination.href,
    flowControlKey: flow.key,
    ...(settings.label === undefined ? {} : { label: settings.label }),
  };
  for (const dedupId of dedupIds) {
    const first = context.dedup.find(dedupId, now);
    if (first === undefined) continue;
    context.emit({ type: "deduplicated", messageId: first, ...about });
    // QStash answers a duplicate with 202 and the first message's id (docs: qstash/features/deduplication).
    return {
      status: 202,
      body: { messageId: first, deduplicated: true },
      ...(flow.key ? { flowControlKey: flow.key } : {}),
    };
  }
  const message: Message = {
    id,
    destination,
    headers,
    body,
    key: flow.key,
    flow: flow.config,
    ...settings,
    createdAt: now,
    retried: 0,
    callerIp: req.socket.remoteAddress ?? "",
    kind: "message",
  };
  try {
    context.scheduler.publish(message, flow.config);
  } catch (error) {
    if (error instanceof CapacityError) return { status: error.status, body: { error: error.message } };
    throw error;
  }
  for (const dedupId of dedupIds) context.dedup.remember(dedupId, id, now);
  const later = message.notBefore > Date.now() ? { notBefore: message.notBefore } : {};
  context.emit({ type: "published", messageId: id, ...about, ...later });
  return { status: 201, body: { messageId: id }, ...(flow.key ? { flowControlKey: flow.key } : {}) };
}

/** The headers content-based deduplication hashes: not the message id, which is new on every publish. */
function withoutId(headers: Record<string, string>): Record<string, string> {
  const { "upstash-message-id": _id, ...rest } = headers;
  return rest;
}
