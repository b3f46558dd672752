// The Messages routes of openapi/qstash.yaml: get one message, cancel one, cancel many.
// A message is there from publish until it is delivered, dead (then it is in the DLQ)
// or cancelled: waiting, sleeping for a delay or a retry, or in flight.
import type { Reply } from "./api.js";
import { type Filter, limitOf, matchesMessage, type QuerySpec, readFilter } from "./filters.js";
import { messageJson } from "./message-json.js";
import type { Scheduler } from "./scheduler.js";

const fail = (status: number, error: string): Reply => ({ status, body: { error } });
const NONE: QuerySpec = { params: {} };

/** `DELETE /v2/messages`'s parameters, as the document lists them (count 1 to 500; all when absent). */
const BULK_CANCEL: QuerySpec = {
  params: {
    messageIds: "strings",
    topicName: "strings",
    queueName: "strings",
    url: "strings",
    host: "strings",
    path: "strings",
    label: "strings",
    flowControlKey: "strings",
    fromDate: "integer",
    toDate: "integer",
    scheduleId: "strings",
    callerIp: "strings",
    callerIP: "strings",
    count: "integer",
  },
  count: { min: 1, max: 500 },
};

function noQuery(operation: string, query: URLSearchParams): Reply | undefined {
  const filter = readFilter(operation, NONE, query);
  return typeof filter === "string" ? fail(400, filter) : undefined;
}

const notFound = (id: string) =>
  fail(
    404,
    `no message ${JSON.stringify(id)}: it was delivered, is dead (see /v2/dlq), was cancelled or never existed`,
  );

export function getMessage(scheduler: Scheduler, id: string, query: URLSearchParams): Reply {
  const refused = noQuery("get message", query);
  if (refused) return refused;
  const message = scheduler.pending.get(id);
  return message ? { status: 200, body: messageJson(message) } : notFound(id);
}

/**
 * 200 `{"cancelled": 1}`, where the document declares no body: the official SDK's
 * `messages.cancel(id)` reads that JSON, and its own tests against QStash expect it.
 * A message already cancelled in flight is still there until its attempt ends: `0`.
 */
export function cancelMessage(scheduler: Scheduler, id: string, query: URLSearchParams): Reply {
  const refused = noQuery("cancel message", query);
  if (refused) return refused;
  const message = scheduler.pending.get(id);
  if (!message) return notFound(id);
  return { status: 200, body: { cancelled: scheduler.cancel([message]) } };
}

/** `messageIds`, when given, is the only filter (the document: "other filters are ignored"). */
function onlyIds(filter: Filter): Filter {
  const ids = filter.strings.get("messageIds");
  if (!ids) return filter;
  return { strings: new Map([["messageIds", ids]]), integers: new Map(), string: new Map(), integer: new Map() };
}

/** Oldest first, at most `count` (every match without it); `{"cancelled": n}`. */
export function cancelMessages(scheduler: Scheduler, query: URLSearchParams): Reply {
  const filter = readFilter("bulk cancel", BULK_CANCEL, query);
  if (typeof filter === "string") return fail(400, filter);
  const matching = onlyIds(filter);
  const chosen = scheduler.pending.list().filter((message) => matchesMessage(matching, message));
  const cancelled = scheduler.cancel(chosen.slice(0, limitOf(BULK_CANCEL, filter)));
  return { status: 200, body: { cancelled } };
}
