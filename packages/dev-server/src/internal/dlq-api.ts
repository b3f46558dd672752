// The DLQ routes of openapi/qstash.yaml: list, get, delete, bulk delete, retry and bulk
// retry of dead messages. Pages go oldest first; a cursor is the dlqId of a page's last
// message, so a page after a bulk delete or retry starts where the last one ended.
import type { IncomingHttpHeaders } from "node:http";
import type { DevServerEvent } from "../events.js";
import type { Reply } from "./api.js";
import { about } from "./attempt-end.js";
import type { DeadMessage } from "./dead-letters.js";
import { type Filter, limitOf, matchesMessage, type QuerySpec, readFilter } from "./filters.js";
import { type Message, newMessageId } from "./message.js";
import type { PublishContext } from "./publish.js";
import { type Overrides, retryOverrides } from "./retry-overrides.js";
import { deadMessageJson } from "./message-json.js";
import type { Scheduler } from "./scheduler.js";

type Emit = (event: DevServerEvent) => void;

const fail = (status: number, error: string): Reply => ({ status, body: { error } });

/** The filters the document gives every DLQ route. */
const FILTERS = {
  messageId: "string",
  url: "strings",
  topicName: "strings",
  scheduleId: "strings",
  queueName: "strings",
  fromDate: "integer",
  toDate: "integer",
  responseStatus: "integers",
  callerIp: "strings",
  label: "strings",
} as const;
const COUNT = { min: 1, max: 100, default: 100 };

/**
 * Beyond the document: `flowControlKey` and `dlqIds` on the list, and `count` and
 * `cursor` on the bulk retry, which the official SDK sends there (its
 * `dlq.listMessages` and `dlq.retry`) and whose answer the document pages with `cursor`.
 */
const LIST: QuerySpec = {
  params: { cursor: "string", ...FILTERS, flowControlKey: "strings", dlqIds: "strings", count: "integer" },
  count: COUNT,
};
const BULK: QuerySpec = {
  params: { dlqIds: "strings", cursor: "string", ...FILTERS, flowControlKey: "strings", count: "integer" },
  count: COUNT,
};

const seqOf = (dlqId: string): number | undefined => {
  const match = /^\d+-(\d+)$/.exec(dlqId);
  return match ? Number(match[1]) : undefined;
};

function matchesDead(filter: Filter, dead: DeadMessage): boolean {
  const ids = filter.strings.get("dlqIds");
  // The document: with dlqIds, "other filters are ignored".
  if (ids) return ids.has(dead.dlqId);
  const statuses = filter.integers.get("responseStatus");
  if (statuses && !("status" in dead.last && statuses.has(dead.last.status))) return false;
  return matchesMessage(filter, dead.message);
}

/** One page of matching dead messages, oldest first, and the cursor when more match after it. */
function page(
  scheduler: Scheduler,
  spec: QuerySpec,
  filter: Filter,
): { chosen: DeadMessage[]; cursor?: string } | string {
  const cursor = filter.string.get("cursor");
  const after = cursor === undefined ? -1 : seqOf(cursor);
  if (after === undefined) return `cursor ${JSON.stringify(cursor)} is not one the dev server gave`;
  const all = scheduler.dead
    .list()
    .filter((dead) => (seqOf(dead.dlqId) as number) > after && matchesDead(filter, dead));
  const limit = limitOf(spec, filter);
  const chosen = all.slice(0, limit);
  return all.length > limit ? { chosen, cursor: (chosen.at(-1) as DeadMessage).dlqId } : { chosen };
}

const NO_QUERY: QuerySpec = { params: {} };

export function listDead(scheduler: Scheduler, query: URLSearchParams): Reply {
  const filter = readFilter("list DLQ", LIST, query);
  if (typeof filter === "string") return fail(400, filter);
  const found = page(scheduler, LIST, filter);
  if (typeof found === "string") return fail(400, found);
  const cursor = found.cursor === undefined ? {} : { cursor: found.cursor };
  return { status: 200, body: { messages: found.chosen.map(deadMessageJson), ...cursor } };
}

const notFound = (dlqId: string) => fail(404, `no message with dlqId ${JSON.stringify(dlqId)} in the DLQ`);

export function getDead(scheduler: Scheduler, dlqId: string, query: URLSearchParams): Reply {
  const filter = readFilter("get DLQ message", NO_QUERY, query);
  if (typeof filter === "string") return fail(400, filter);
  const dead = scheduler.dead.get(dlqId);
  return dead ? { status: 200, body: deadMessageJson(dead) } : notFound(dlqId);
}

export function deleteDead(scheduler: Scheduler, dlqId: string, query: URLSearchParams): Reply {
  const filter = readFilter("delete DLQ message", NO_QUERY, query);
  if (typeof filter === "string") return fail(400, filter);
  return scheduler.dead.delete(dlqId) ? { status: 200 } : notFound(dlqId);
}

export function deleteDeadMany(scheduler: Scheduler, query: URLSearchParams): Reply {
  const filter = readFilter("bulk delete DLQ", BULK, query);
  if (typeof filter === "string") return fail(400, filter);
  const found = page(scheduler, BULK, filter);
  if (typeof found === "string") return fail(400, found);
  for (const dead of found.chosen) scheduler.dead.delete(dead.dlqId);
  const cursor = found.cursor === undefined ? {} : { cursor: found.cursor };
  return { status: 200, body: { deleted: found.chosen.length, ...cursor } };
}

/**
 * A dead message sent again (QStash: "a new message with the same body and headers"): a
 * new id, its retries afresh, through its key's flow control, whose configuration follows
 * it as on publish. It takes the dead message's place, whatever else the server holds.
 */
function retryOne(scheduler: Scheduler, emit: Emit, dead: DeadMessage, overrides: Overrides, now: number): string {
  const id = newMessageId();
  const headers = { ...dead.message.headers, "upstash-message-id": id };
  const message: Message = {
    ...dead.message,
    notBefore: now,
    ...overrides,
    id,
    headers,
    retried: 0,
    createdAt: now,
  };
  scheduler.requeue(dead.dlqId, message, message.flow);
  emit({ type: "published", ...about(message), dlqId: dead.dlqId });
  return id;
}

/** The overrides the headers give, or the reply refusing them (a bad value, or one not implemented). */
function readOverrides(context: PublishContext, headers: IncomingHttpHeaders): Overrides | Reply {
  const overrides = retryOverrides(headers, context);
  return "error" in overrides ? fail(overrides.status, overrides.error) : overrides;
}

const isReply = (value: Overrides | Reply): value is Reply => "status" in value && typeof value.status === "number";

/** The new messages' ids, or 503 with nothing retried while the server closes. */
function retry(context: PublishContext, dead: DeadMessage[], overrides: Overrides): Reply | { messageId: string }[] {
  const { scheduler, emit } = context;
  if (scheduler.closing) return fail(503, "the dev server is closing");
  const now = Date.now();
  return dead.map((one) => ({ messageId: retryOne(scheduler, emit, one, overrides, now) }));
}

export function retryDead(
  context: PublishContext,
  dlqId: string,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
): Reply {
  const filter = readFilter("retry DLQ message", NO_QUERY, query);
  if (typeof filter === "string") return fail(400, filter);
  const overrides = readOverrides(context, headers);
  if (isReply(overrides)) return overrides;
  const { scheduler } = context;
  const dead = scheduler.dead.get(dlqId);
  if (!dead) return notFound(dlqId);
  const done = retry(context, [dead], overrides);
  return Array.isArray(done) ? { status: 201, body: done[0] } : done;
}

/** 201 `{responses: [{messageId}], cursor?}`; with `dlqIds`, 404 and nothing retried when one is not there. */
export function retryDeadMany(context: PublishContext, query: URLSearchParams, headers: IncomingHttpHeaders): Reply {
  const filter = readFilter("bulk retry DLQ", BULK, query);
  if (typeof filter === "string") return fail(400, filter);
  const overrides = readOverrides(context, headers);
  if (isReply(overrides)) return overrides;
  const { scheduler } = context;
  const missing = [...(filter.strings.get("dlqIds") ?? [])].filter((dlqId) => !scheduler.dead.get(dlqId));
  if (missing.length > 0) return fail(404, `not in the DLQ: ${missing.join(", ")}; nothing was retried`);
  const found = page(scheduler, BULK, filter);
  if (typeof found === "string") return fail(400, found);
  const done = retry(context, found.chosen, overrides);
  if (!Array.isArray(done)) return done;
  const cursor = found.cursor === undefined ? {} : { cursor: found.cursor };
  return { status: 201, body: { responses: done, ...cursor } };
}
