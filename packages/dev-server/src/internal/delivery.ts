import { type ClientRequest, Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Message } from "./key-state.js";
import { signDelivery } from "./signature.js";

/** An answer (any status) with its headers and body (at most `maxBodyBytes` of it), or why there was none. */
export type DeliveryOutcome = { status: number; headers: IncomingMessage["headers"]; body: Buffer } | { error: string };

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
  headers["user-agent"] = "qstash-flow-dev-server";
  return headers;
}

/** Keep-alive agents, one per scheme, owned by the scheduler and destroyed when it closes. */
export interface Agents {
  "http:": HttpAgent;
  "https:": HttpsAgent;
}

export function createAgents(): Agents {
  return { "http:": new HttpAgent({ keepAlive: true }), "https:": new HttpsAgent({ keepAlive: true }) };
}

/**
 * Sends one attempt of a message to its destination with its method, signed with
 * `signingKey` at the time it is sent (a message that waited long still arrives with a
 * fresh signature) and carrying `Upstash-Retried`. Done when the response has ended,
 * whatever its status; redirects are not followed (a redirect could leave the allowed
 * hosts, and QStash counts a 3xx as a failed attempt). Connections are kept alive between deliveries (a new one per
 * delivery costs a connection setup at both ends every time); destroying the agents
 * closes them.
 */
export function deliver(
  message: Message,
  options: { signingKey: string; agents: Agents; maxBodyBytes: number },
): Delivery {
  const { signingKey, agents, maxBodyBytes } = options;
  const timeout = message.timeout;
  let settle: (outcome: DeliveryOutcome) => void = () => {};
  const done = new Promise<DeliveryOutcome>((resolve) => {
    settle = resolve;
  });
  let finished = false;
  let req: ClientRequest;
  const https = message.destination.protocol === "https:";
  const headers = {
    ...message.headers,
    "content-length": String(message.body.length),
    "upstash-retried": String(message.retried),
    "upstash-signature": signDelivery(signingKey, message.destination.href, message.body),
  };
  /** Ends the delivery; a finished response leaves its connection to the agent, anything else destroys it. */
  const finish = (outcome: DeliveryOutcome) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    if (!("status" in outcome)) req.destroy();
    settle(outcome);
  };
  const attempt = (fresh: boolean) => {
    const agent = fresh ? false : agents[https ? "https:" : "http:"];
    req = (https ? httpsRequest : httpRequest)(message.destination, { method: message.method, agent, headers });
    const sent = req;
    sent.on("response", (res) => {
      const status = res.statusCode ?? 0;
      // Kept for callbacks; past the body limit the rest is read and dropped, as QStash truncates.
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size < maxBodyBytes) chunks.push(chunk.subarray(0, maxBodyBytes - size));
        size += chunk.length;
      });
      res.on("end", () => finish({ status, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", (error) => finish({ error: error.message }));
      res.on("close", () => finish({ error: "the connection closed before the response ended" }));
    });
    sent.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the destination closed as it was reused: the request did
      // not reach it. Sent again once, on a new connection, as Node's documentation advises.
      if (!fresh && !finished && sent.reusedSocket && error.code === "ECONNRESET") attempt(true);
      else finish({ error: error.message || String(error) });
    });
    sent.end(message.body);
  };
  const timer = setTimeout(() => finish({ error: `no response within ${timeout} ms` }), timeout);
  attempt(false);
  return { done, abort: (reason) => finish({ error: reason }) };
}
