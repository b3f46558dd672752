// A loopback QStash holding messages and dead letters, answering the Messages and DLQ
// operations of the surface with the request and response shapes upstream's document
// gives them (openapi/qstash.yaml): for the clients' tests while the dev server answers
// these routes with 501. `GET /v2/flowControl` and `/{key}` report each key's waiting
// messages as its waitlist, which is all the CLI reads of them. A query parameter the surface does not declare for the operation,
// or a count above its documented maximum, is a 400, so a client that strays fails.
import { startLoopbackServer, type LoopbackServer } from "./server.ts";
import { surface } from "./surface.ts";

export interface StoredMessage {
  messageId: string;
  flowControlKey?: string;
  url: string;
}

export interface StoredDeadLetter extends StoredMessage {
  dlqId: string;
  responseStatus: number;
}

export interface MessagesServer extends LoopbackServer {
  token: string;
  /** Waiting messages, in publish order; a cancel removes them, a DLQ retry appends. */
  messages: StoredMessage[];
  /** The dead-letter queue, oldest first. */
  deadLetters: StoredDeadLetter[];
  /** Adds `count` waiting messages of `key`. */
  publish(key: string | undefined, count: number): void;
  /** Adds `count` dead letters of `key`. */
  kill(key: string | undefined, count: number): void;
  /** Answers the next requests with these statuses (`{error}` bodies) instead of serving them. */
  failNext(...statuses: number[]): void;
  /** Answers every request filtered to `key` with `status` from now on. */
  failKey(key: string, status: number): void;
}

export interface MessagesServerOptions {
  /** Dead letters one bulk retry takes before answering with a cursor (upstream does not say; default 100). */
  retryPage?: number;
}

type Json = Record<string, any>;

/** Query names the surface declares for `METHOD path`. */
function declared(method: string, path: string): Set<string> {
  const doc = surface();
  const params = (doc.paths?.[path]?.[method.toLowerCase()]?.parameters ?? []) as Json[];
  return new Set(params.filter((p) => p.in === "query").map((p) => p.name));
}

/** Repeated or comma-separated values, as upstream's multi-value filters take them. */
const values = (query: URLSearchParams, name: string) => query.getAll(name).flatMap((v) => v.split(","));

export async function startMessagesServer(options: MessagesServerOptions = {}): Promise<MessagesServer> {
  const token = "messages-server-token";
  const { retryPage = 100 } = options;
  const messages: StoredMessage[] = [];
  const deadLetters: StoredDeadLetter[] = [];
  const failures: number[] = [];
  const failingKeys = new Map<string, number>();
  let next = 0;
  const id = (prefix: string) => `${prefix}_${String(++next).padStart(8, "0")}`;

  const server = await startLoopbackServer((request, response) => {
    const send = (status: number, body?: unknown) => {
      if (body === undefined) return void response.writeHead(status).end();
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const failure = failures.shift();
    if (failure !== undefined) return send(failure, { error: `injected ${failure}` });
    if (request.headers.authorization !== `Bearer ${token}`) return send(401, { error: "unauthorized" });
    const url = new URL(request.rawUrl, "http://x");
    const { pathname, searchParams: query } = url;
    const single = /^\/v2\/messages\/([^/]+)$/.exec(pathname);
    const route = single ? "/v2/messages/{messageId}" : pathname;
    const allowed = declared(request.method, route);
    for (const name of query.keys()) {
      if (!allowed.has(name)) return send(400, { error: `${request.method} ${route} takes no ${name}` });
    }
    const count = query.has("count") ? Number(query.get("count")) : undefined;
    const keys = values(query, "flowControlKey");
    const failing = keys.map((key) => failingKeys.get(key)).find((status) => status !== undefined);
    if (failing !== undefined) return send(failing, { error: `injected ${failing}` });
    const ofKey = (m: StoredMessage) => keys.length === 0 || keys.includes(m.flowControlKey as string);

    if (request.method === "GET" && route === "/v2/flowControl") {
      const sizes = new Map<string, number>();
      for (const m of messages)
        if (m.flowControlKey) sizes.set(m.flowControlKey, (sizes.get(m.flowControlKey) ?? 0) + 1);
      return send(
        200,
        [...sizes].map(([flowControlKey, waitListSize]) => ({ flowControlKey, waitListSize })),
      );
    }
    const oneKey = /^\/v2\/flowControl\/([^/]+)$/.exec(pathname);
    if (request.method === "GET" && oneKey) {
      const flowControlKey = decodeURIComponent(oneKey[1] as string);
      const waitListSize = messages.filter((m) => m.flowControlKey === flowControlKey).length;
      return waitListSize > 0 ? send(200, { flowControlKey, waitListSize }) : send(404, { error: "key not found" });
    }
    if (single) {
      const at = messages.findIndex((m) => m.messageId === decodeURIComponent(single[1] as string));
      if (at < 0) return send(404, { error: "message not found" });
      if (request.method === "GET") return send(200, messages[at]);
      messages.splice(at, 1);
      return send(200);
    }
    if (request.method === "DELETE" && route === "/v2/messages") {
      if (count !== undefined && !(count >= 1 && count <= 500)) return send(400, { error: "count must be 1 to 500" });
      const taken = messages.filter(ofKey).slice(0, count);
      for (const m of taken) messages.splice(messages.indexOf(m), 1);
      return send(200, { cancelled: taken.length });
    }
    const page = count ?? 100;
    if (page > 100) return send(400, { error: "count must be at most 100" });
    // A cursor is the dlqId the page starts after.
    const after = (list: StoredDeadLetter[]) => {
      const cursor = query.get("cursor");
      return cursor ? list.filter((d) => d.dlqId > cursor) : list;
    };
    if (request.method === "GET" && route === "/v2/dlq") {
      const rest = after(deadLetters);
      const taken = rest.slice(0, page);
      const cursor = rest.length > page ? taken.at(-1)?.dlqId : undefined;
      return send(200, { messages: taken, ...(cursor && { cursor }) });
    }
    if (request.method === "DELETE" && route === "/v2/dlq") {
      const rest = after(deadLetters.filter(ofKey));
      const taken = rest.slice(0, page);
      for (const d of taken) deadLetters.splice(deadLetters.indexOf(d), 1);
      const cursor = rest.length > page ? taken.at(-1)?.dlqId : undefined;
      return send(200, { deleted: taken.length, ...(cursor && { cursor }) });
    }
    if (request.method === "POST" && route === "/v2/dlq/retry") {
      const matching = deadLetters.filter(ofKey);
      const taken = matching.slice(0, retryPage);
      const responses = taken.map((d) => {
        deadLetters.splice(deadLetters.indexOf(d), 1);
        const message: StoredMessage = { messageId: id("msg"), url: d.url };
        if (d.flowControlKey !== undefined) message.flowControlKey = d.flowControlKey;
        messages.push(message);
        return { messageId: message.messageId };
      });
      const cursor = matching.length > retryPage ? taken.at(-1)?.dlqId : undefined;
      return send(201, { responses, ...(cursor && { cursor }) });
    }
    return send(404, { error: "no such route" });
  });

  return Object.assign(server, {
    token,
    messages,
    deadLetters,
    publish(key: string | undefined, count: number) {
      for (let i = 0; i < count; i++) {
        messages.push({
          messageId: id("msg"),
          url: "http://127.0.0.1:9/x",
          ...(key !== undefined && { flowControlKey: key }),
        });
      }
    },
    kill(key: string | undefined, count: number) {
      for (let i = 0; i < count; i++) {
        deadLetters.push({
          dlqId: id("dlq"),
          messageId: id("msg"),
          url: "http://127.0.0.1:9/x",
          responseStatus: 500,
          ...(key !== undefined && { flowControlKey: key }),
        });
      }
    },
    failNext(...statuses: number[]) {
      failures.push(...statuses);
    },
    failKey(key: string, status: number) {
      failingKeys.set(key, status);
    },
  });
}
