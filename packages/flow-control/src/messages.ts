// Acting on a key's messages: cancel those waiting, list, retry or drop its dead letters.
// Standalone functions, like operations.ts, so that a bundle importing only `pause`
// carries none of this. Upstream pages its bulk actions; each function loops over the
// pages until the API says it is done and returns the total.
import { type CallOptions, keyProblem, type QStashTransport, ValidationError } from "@qstash-flow/fetch";
import type { components } from "@qstash-flow/types";
import { named } from "./operations.js";
import { isObject } from "@qstash-flow/fetch/internal";
import { describeValue, expectObject, notTheApis } from "./reply.js";

/**
 * One message in the dead-letter queue, as the API sent it. `dlqId` (the id that retries
 * or deletes this one message) is sent by the API but missing from upstream's schema.
 */
export type DeadLetter = components["schemas"]["DLQMessage"] & { dlqId?: string };

/** One page of a key's dead letters; `cursor` continues after it (absent on the last page). */
export interface DeadLetterPage {
  messages: DeadLetter[];
  cursor?: string | undefined;
}

/** Most messages one bulk cancel takes (upstream's `count` maximum). */
export const CANCEL_PAGE = 500;
/** Most dead letters one list or bulk delete takes (upstream's `count` maximum). */
export const DLQ_PAGE = 100;

/**
 * `key` as a filter value, or a `ValidationError`: the same checks as a key in a path,
 * and no comma, which upstream reads as a separator (`a,b` would match keys `a` and `b`).
 */
function filterKey(key: unknown, operation: string): string[] {
  const problem =
    keyProblem(key) ??
    ((key as string).includes(",") ? "the key must not contain a comma, which the API reads as two keys" : undefined);
  if (problem) throw new ValidationError(problem, { operation, key: typeof key === "string" ? key : undefined });
  return [key as string];
}

/** A count the API answered with: a whole number >= 0. */
function countOf(body: Record<string, unknown>, name: string, what: string): number {
  const value = body[name] ?? 0;
  if (Number.isSafeInteger(value) && (value as number) >= 0) return value as number;
  throw notTheApis(what, `${name} is ${describeValue(value)}`);
}

/** A list the API answered with: absent is empty, null is not a list. */
function listOf(body: Record<string, unknown>, name: string, what: string): unknown[] {
  const value = body[name];
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  throw notTheApis(what, `${name} is ${describeValue(value)}`);
}

/** The cursor of a page: a non-empty string continues, absent or empty ends. */
function cursorOf(body: Record<string, unknown>, previous: string | undefined, what: string): string | undefined {
  const { cursor } = body;
  if (cursor === undefined || cursor === null || cursor === "") return undefined;
  if (typeof cursor !== "string") throw notTheApis(what, `cursor is ${describeValue(cursor)}`);
  // The same cursor again would page forever.
  if (cursor === previous) throw notTheApis(what, "the same cursor came twice");
  return cursor;
}

/**
 * Cancels every message of `key` that is waiting (published, not yet delivered), in pages
 * of `CANCEL_PAGE`; resolves with how many were cancelled. A message already in flight may
 * be too late to cancel (upstream). Not retried once a request may have arrived; a failure
 * part-way leaves the earlier pages cancelled, and calling again cancels the rest.
 */
export function cancelMessages(transport: QStashTransport, key: string, options?: CallOptions): Promise<number> {
  return named("cancelMessages", key, async () => {
    const query = { flowControlKey: filterKey(key, "cancelMessages"), count: CANCEL_PAGE };
    const what = "the answer to a bulk cancel";
    let total = 0;
    for (;;) {
      const body = expectObject(await transport.request("delete", "/v2/messages", { query }, options), what);
      const cancelled = countOf(body, "cancelled", what);
      total += cancelled;
      if (cancelled < CANCEL_PAGE) return total;
    }
  });
}

/**
 * Retries every dead letter of `key`: each becomes a new message, delivered through the
 * key's flow control, and leaves the DLQ. Resolves with how many were retried. Upstream's
 * document declares no cursor or count here but answers a cursor while more remain: the
 * same request is sent again, as the retried ones have left the DLQ, until no cursor
 * comes (or a page retried none). (The official SDK 2.12 sends `count` and `cursor` here;
 * the document, which the generated types and the contract tests follow, does not.)
 */
export function retryDeadLetters(transport: QStashTransport, key: string, options?: CallOptions): Promise<number> {
  return named("retryDeadLetters", key, async () => {
    const query = { flowControlKey: filterKey(key, "retryDeadLetters") };
    const what = "the answer to a bulk retry";
    let total = 0;
    for (;;) {
      const body = expectObject(await transport.request("post", "/v2/dlq/retry", { query }, options), what);
      const responses = listOf(body, "responses", what);
      total += responses.length;
      // No cursor is sent, so the same one may come again: a page retrying none ends it.
      if (cursorOf(body, undefined, what) === undefined || responses.length === 0) return total;
    }
  });
}

/** Deletes every dead letter of `key`, in pages of `DLQ_PAGE`; resolves with how many were deleted. */
export function deleteDeadLetters(transport: QStashTransport, key: string, options?: CallOptions): Promise<number> {
  return named("deleteDeadLetters", key, async () => {
    const flowControlKey = filterKey(key, "deleteDeadLetters");
    const what = "the answer to a bulk delete";
    let total = 0;
    let cursor: string | undefined;
    for (;;) {
      const query = { flowControlKey, count: DLQ_PAGE, ...(cursor !== undefined && { cursor }) };
      const body = expectObject(await transport.request("delete", "/v2/dlq", { query }, options), what);
      total += countOf(body, "deleted", what);
      cursor = cursorOf(body, cursor, what);
      if (cursor === undefined) return total;
    }
  });
}

/**
 * The dead letters of `key`, a page at a time, each message as the API sent it. Upstream's
 * document gives the list no flow-control key filter (the official SDK 2.12 passes its
 * filters on regardless), so every page of the DLQ is read and only the key's messages
 * are kept; pages left empty by that are skipped. Each page is one call
 * (with its retries, timeout and signal); stop iterating to stop reading.
 */
export function listDeadLetters(
  transport: QStashTransport,
  key: string,
  options?: CallOptions,
): AsyncIterableIterator<DeadLetterPage> {
  // Checked now, not at the first `next()`: bad input fails where the call was made.
  filterKey(key, "listDeadLetters");
  return pages(transport, key, options);
}

/**
 * How many dead letters each flow-control key has, read from every page of the DLQ (one
 * call per page, each with its retries, timeout and signal). Messages without a key are
 * not counted. For a key's own, `listDeadLetters` reads the same pages.
 */
export async function countDeadLetters(
  transport: QStashTransport,
  options?: CallOptions,
): Promise<Map<string, number>> {
  // each page's call names the operation already
  const counts = new Map<string, number>();
  for await (const page of pages(transport, undefined, options)) {
    for (const { flowControlKey: key } of page.messages) {
      if (typeof key === "string" && key !== "") counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The DLQ's pages, each kept to `key`'s messages when one is given; empty pages skipped. */
async function* pages(transport: QStashTransport, key: string | undefined, options?: CallOptions) {
  const operation = key === undefined ? "countDeadLetters" : "listDeadLetters";
  const what = "a page of dead letters";
  let cursor: string | undefined;
  do {
    const query = { count: DLQ_PAGE, ...(cursor !== undefined && { cursor }) };
    const page = await named(operation, key, async () => {
      const body = expectObject(await transport.request("get", "/v2/dlq", { query }, options), what);
      const messages = listOf(body, "messages", what);
      if (!messages.every(isObject)) {
        throw notTheApis(what, "a message is not an object");
      }
      cursor = cursorOf(body, cursor, what);
      const kept = key === undefined ? messages : messages.filter((m) => m.flowControlKey === key);
      return { messages: kept as DeadLetter[], cursor };
    });
    if (page.messages.length > 0) yield page;
  } while (cursor !== undefined);
}
