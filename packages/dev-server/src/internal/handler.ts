import type { IncomingMessage, ServerResponse } from "node:http";
import * as api from "./api.js";
import { isAuthorized, queryToken } from "./auth.js";
import { parseDestination } from "./destination.js";
import * as dlq from "./dlq-api.js";
import { sendEmpty, sendJson } from "./http.js";
import * as messages from "./messages-api.js";
import { type PublishContext, publish } from "./publish.js";
import { matchRoute, type Route } from "./routes.js";

export interface HandlerContext extends PublishContext {
  token: string;
  globalParallelism: number;
}

const UNAUTHORIZED_REPLY: api.Reply = {
  status: 401,
  body: {
    error: "missing or wrong token: send Authorization: Bearer <token> or the query parameter qstash_token=<token>",
  },
  headers: { "www-authenticate": "Bearer" },
};

async function answer(context: HandlerContext, req: IncomingMessage, route: Route): Promise<api.Reply> {
  if (route.operation === "publish") {
    const parsed = parseDestination(route.rest);
    // An unparsable destination still has to pass auth before its error is shown.
    const token = "error" in parsed ? queryToken(new URLSearchParams(route.rest.split("?")[1] ?? "")) : parsed.token;
    // A repeated qstash_token names no one token to check: 400, whatever else the request carries.
    if (typeof token === "object") return { status: 400, body: token };
    if (!isAuthorized(req, token, context.token)) return UNAUTHORIZED_REPLY;
    if ("error" in parsed) return { status: 400, body: { error: parsed.error } };
    return publish(context, req, parsed.url);
  }
  req.resume();
  const token = queryToken(route.query);
  if (typeof token === "object") return { status: 400, body: token };
  if (!isAuthorized(req, token, context.token)) return UNAUTHORIZED_REPLY;
  const { scheduler } = context;
  if ("rawId" in route) {
    let id: string;
    try {
      id = decodeURIComponent(route.rawId);
    } catch {
      return { status: 400, body: { error: "the id in the path is not valid percent-encoding" } };
    }
    if (route.operation === "getMessage") return messages.getMessage(scheduler, id, route.query);
    if (route.operation === "cancelMessage") return messages.cancelMessage(scheduler, id, route.query);
    if (route.operation === "getDlq") return dlq.getDead(scheduler, id, route.query);
    if (route.operation === "deleteDlq") return dlq.deleteDead(scheduler, id, route.query);
    return dlq.retryDead(context, id, route.query, req.headers);
  }
  if (route.operation === "cancelMessages") return messages.cancelMessages(scheduler, route.query);
  if (route.operation === "listDlq") return dlq.listDead(scheduler, route.query);
  if (route.operation === "deleteDlqMany") return dlq.deleteDeadMany(scheduler, route.query);
  if (route.operation === "retryDlqMany") return dlq.retryDeadMany(context, route.query, req.headers);
  if (route.operation === "list") return api.list(scheduler, route.query);
  if (route.operation === "globalParallelism") {
    return api.globalParallelism(scheduler, route.query, context.globalParallelism);
  }
  const key = api.decodeKey(route.rawKey);
  if (typeof key !== "string") return { status: 400, body: key };
  const reply =
    route.operation === "get"
      ? api.get(scheduler, key, route.query)
      : api.keyAction(scheduler, route.operation, key, route.query);
  return { ...reply, flowControlKey: key };
}

/** The server's request listener: route, 404/405, auth, then the operation; errors as JSON `{error}`. */
export function createHandler(context: HandlerContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? "";
    const match = matchRoute(method, req.url ?? "");
    let operation = "unknown";
    let reply: api.Reply;
    if ("route" in match) {
      operation = match.route.operation;
      try {
        reply = await answer(context, req, match.route);
      } catch (error) {
        reply = { status: 500, body: { error: `the dev server failed: ${(error as Error)?.message ?? error}` } };
      }
    } else {
      req.resume();
      if (match.status === 405) operation = match.operation;
      reply = {
        status: match.status,
        body: { error: match.error },
        ...(match.status === 405 ? { headers: { allow: match.allow } } : {}),
      };
    }
    if (res.headersSent || res.destroyed) return;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (reply.body === undefined) sendEmpty(res);
    else sendJson(res, reply.status, reply.body);
    context.emit({ type: "request", method, operation, status: reply.status, flowControlKey: reply.flowControlKey });
  };
}
