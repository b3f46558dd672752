import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { DevServerEvent } from "../events.js";
import type { Reply } from "./api.js";
import { deliveryHeaders } from "./delivery.js";
import { isAllowedDestination, type HostRule } from "./destination.js";
import { type FlowConfig, keyProblem, parseFlowControlValue } from "./flow-value.js";
import { readBody } from "./http.js";
import { CapacityError, type Scheduler } from "./scheduler.js";

export interface PublishContext {
  scheduler: Scheduler;
  allowed: readonly HostRule[];
  maxBodyBytes: number;
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

/**
 * Publish headers whose meaning the dev server does not implement and that would make
 * a test pass for the wrong reason if ignored. Others (retries, callbacks, timeouts,
 * deduplication) are accepted and have no effect.
 */
function unsupported(req: IncomingMessage): string | undefined {
  const method = header(req, "upstash-method");
  if (method !== undefined && method.toUpperCase() !== "POST") {
    return `Upstash-Method: the dev server delivers with POST only, got ${JSON.stringify(method)}`;
  }
  for (const name of ["Upstash-Delay", "Upstash-Not-Before"]) {
    const value = header(req, name.toLowerCase());
    if (value !== undefined && !/^0[smhd]?$/.test(value.trim())) {
      return `${name}: the dev server delivers without delay; remove the header`;
    }
  }
  return undefined;
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
  const refused = unsupported(req);
  if (refused) return { status: 400, body: { error: refused } };
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
  const id = `msg_${randomUUID().replaceAll("-", "")}`;
  try {
    context.scheduler.publish(
      { id, destination, headers: deliveryHeaders(req.headers, id), body, key: flow.key },
      flow.config,
    );
  } catch (error) {
    if (error instanceof CapacityError) return { status: error.status, body: { error: error.message } };
    throw error;
  }
  context.emit({ type: "published", messageId: id, destination: destination.href, flowControlKey: flow.key });
  return { status: 201, body: { messageId: id }, ...(flow.key ? { flowControlKey: flow.key } : {}) };
}
