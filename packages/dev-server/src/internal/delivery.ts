import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Message } from "./key-state.js";
import { signDelivery } from "./signature.js";

export type DeliveryOutcome = { status: number } | { error: string };

export interface Delivery {
  done: Promise<DeliveryOutcome>;
  abort(reason: string): void;
}

const FORWARD_PREFIX = "upstash-forward-";

/** The headers the destination sees: the publisher's Content-Type and `Upstash-Forward-*` headers, unprefixed. */
export function deliveryHeaders(incoming: IncomingMessage["headers"], messageId: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (name === "content-type") headers[name] = text;
    else if (name.startsWith(FORWARD_PREFIX) && name.length > FORWARD_PREFIX.length) {
      headers[name.slice(FORWARD_PREFIX.length)] = text;
    }
  }
  headers["upstash-message-id"] = messageId;
  headers["upstash-retried"] = "0";
  headers["user-agent"] = "qstash-flow-dev-server";
  return headers;
}

/**
 * POSTs a message to its destination once, signed with `signingKey` at the time it is
 * sent (a message that waited long still arrives with a fresh signature). Done when the
 * response has ended, whatever its status; redirects are not followed (a redirect could
 * leave the allowed hosts). Each delivery has its own connection, so closing the server
 * leaves no pooled socket.
 */
export function deliver(message: Message, options: { timeout: number; signingKey: string }): Delivery {
  const { timeout, signingKey } = options;
  let settle: (outcome: DeliveryOutcome) => void = () => {};
  const done = new Promise<DeliveryOutcome>((resolve) => {
    settle = resolve;
  });
  let finished = false;
  const send = message.destination.protocol === "https:" ? httpsRequest : httpRequest;
  const req = send(message.destination, {
    method: "POST",
    agent: false,
    headers: {
      ...message.headers,
      "content-length": String(message.body.length),
      "upstash-signature": signDelivery(signingKey, message.destination.href, message.body),
    },
  });
  const finish = (outcome: DeliveryOutcome) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    req.destroy();
    settle(outcome);
  };
  const timer = setTimeout(() => finish({ error: `no response within ${timeout} ms` }), timeout);
  req.on("response", (res) => {
    const status = res.statusCode ?? 0;
    res.on("end", () => finish({ status }));
    res.on("error", (error) => finish({ error: error.message }));
    res.on("close", () => finish({ error: "the connection closed before the response ended" }));
    res.resume();
  });
  req.on("error", (error) => finish({ error: error.message || String(error) }));
  req.end(message.body);
  return { done, abort: (reason) => finish({ error: reason }) };
}
