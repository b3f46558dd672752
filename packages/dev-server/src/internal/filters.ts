// The query filters of the Messages and DLQ routes (openapi/qstash.yaml, tags Messages and
// DLQ). A multi-value filter matches a message whose value equals any of its values (OR);
// filters combine with AND; several values come as repeated parameters or one
// comma-separated value (the document's rule, so a value cannot itself hold a comma).
// Unknown and repeated single-value parameters are refused, never ignored.
import { orReason, wholeNumberText } from "./integer.js";
import type { Message } from "./message.js";

/** How one query parameter is read: many strings, many integers, one string, or one integer. */
type Kind = "strings" | "integers" | "string" | "integer";

export interface Filter {
  strings: Map<string, Set<string>>;
  integers: Map<string, Set<number>>;
  string: Map<string, string>;
  integer: Map<string, number>;
}

/** The parameters each operation takes, with the document's count bounds; extensions are commented where used. */
export interface QuerySpec {
  params: Record<string, Kind>;
  count?: { min: number; max: number; default?: number };
}

/** The query read against `spec`, or the reason it is refused. */
export function readFilter(operation: string, spec: QuerySpec, query: URLSearchParams): Filter | string {
  const filter: Filter = { strings: new Map(), integers: new Map(), string: new Map(), integer: new Map() };
  for (const [name, value] of query) {
    if (name === "qstash_token") continue;
    const kind = spec.params[name];
    if (!kind) {
      return `unknown query parameter ${JSON.stringify(name)}; ${operation} takes ${Object.keys(spec.params).join(", ")}`;
    }
    if (kind === "string" || kind === "integer") {
      if (filter[kind].has(name)) return `the query parameter ${name} is given twice`;
      if (kind === "string") filter.string.set(name, value);
      else {
        const number = orReason(() => wholeNumberText(name, value));
        if (typeof number === "string") return number;
        filter.integer.set(name, number);
      }
      continue;
    }
    for (const part of value.split(",")) {
      if (part === "") return `the query parameter ${name} has an empty value`;
      if (kind === "strings") {
        const values = filter.strings.get(name) ?? new Set<string>();
        filter.strings.set(name, values.add(part));
      } else {
        const number = orReason(() => wholeNumberText(name, part));
        if (typeof number === "string") return `${name} must be integers, got ${JSON.stringify(part)}`;
        const values = filter.integers.get(name) ?? new Set<number>();
        filter.integers.set(name, values.add(number));
      }
    }
  }
  const count = filter.integer.get("count");
  if (spec.count && count !== undefined && (count < spec.count.min || count > spec.count.max)) {
    return `count must be between ${spec.count.min} and ${spec.count.max}, got ${count}`;
  }
  return filter;
}

/** How many to take: `count`, else the operation's default, else all. */
export function limitOf(spec: QuerySpec, filter: Filter): number {
  return filter.integer.get("count") ?? spec.count?.default ?? Number.POSITIVE_INFINITY;
}

/** A URL filter value compared as the dev server holds destinations: parsed, so `http://h` is `http://h/`. */
function normalUrl(value: string): string {
  try {
    return new URL(value).href;
  } catch {
    return value;
  }
}

/** `Upstash-Label` holds one label or a comma-separated list (the document's publish header). */
export function labelsOf(message: Message): string[] {
  return message.label === undefined ? [] : message.label.split(",").map((label) => label.trim());
}

const any = <T>(values: Set<T> | undefined, candidates: T[]): boolean =>
  values === undefined || candidates.some((candidate) => values.has(candidate));

/**
 * Whether a message passes the filter's message filters. URL groups, queues and schedules
 * are not served, so a message never has a `topicName`, `queueName` or `scheduleId`: a
 * filter on them matches nothing.
 */
export function matchesMessage(filter: Filter, message: Message): boolean {
  const strings = filter.strings;
  for (const never of ["topicName", "queueName", "scheduleId"]) if (strings.has(never)) return false;
  const url = strings.get("url");
  if (url && ![...url].some((value) => normalUrl(value) === message.destination.href)) return false;
  const { host, hostname, pathname } = message.destination;
  const callerIps = new Set([...(strings.get("callerIp") ?? []), ...(strings.get("callerIP") ?? [])]);
  const messageId = filter.string.get("messageId");
  const from = filter.integer.get("fromDate");
  const to = filter.integer.get("toDate");
  return (
    any(strings.get("messageIds"), [message.id]) &&
    (messageId === undefined || messageId === message.id) &&
    any(strings.get("host"), [host, hostname]) &&
    any(strings.get("path"), [pathname]) &&
    any(strings.get("label"), labelsOf(message)) &&
    any(strings.get("flowControlKey"), message.key === undefined ? [] : [message.key]) &&
    any(callerIps.size > 0 ? callerIps : undefined, [message.callerIp]) &&
    (from === undefined || message.createdAt >= from) &&
    (to === undefined || message.createdAt <= to)
  );
}
