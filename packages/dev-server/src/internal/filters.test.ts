import { describe, expect, test } from "vitest";
import { type Filter, limitOf, matchesMessage, type QuerySpec, readFilter } from "./filters.ts";
import type { Message } from "./message.ts";

const SPEC: QuerySpec = {
  params: {
    flowControlKey: "strings",
    url: "strings",
    host: "strings",
    path: "strings",
    label: "strings",
    topicName: "strings",
    callerIp: "strings",
    messageId: "string",
    responseStatus: "integers",
    fromDate: "integer",
    toDate: "integer",
    count: "integer",
  },
  count: { min: 1, max: 100, default: 100 },
};

function message(overrides: Partial<Message> = {}): Message {
  return {
    id: "msg_1",
    destination: new URL("http://127.0.0.1:4000/hook"),
    method: "POST",
    headers: {},
    body: Buffer.from(""),
    key: "orders",
    flow: undefined,
    retries: 3,
    retryDelay: undefined,
    timeout: 1000,
    callback: undefined,
    failureCallback: undefined,
    label: "billing, eu",
    redact: undefined,
    createdAt: 1000,
    notBefore: 1000,
    retried: 0,
    callerIp: "127.0.0.1",
    kind: "message",
    ...overrides,
  };
}

const read = (query: string) => readFilter("test", SPEC, new URLSearchParams(query)) as Filter;
const matches = (query: string, overrides: Partial<Message> = {}) => matchesMessage(read(query), message(overrides));

describe("readFilter", () => {
  test("multi-value filters collect repeated and comma-separated values; qstash_token is not a filter", () => {
    const filter = read("flowControlKey=a&flowControlKey=b,c&responseStatus=500,503&qstash_token=t");
    expect(filter.strings.get("flowControlKey")).toEqual(new Set(["a", "b", "c"]));
    expect(filter.integers.get("responseStatus")).toEqual(new Set([500, 503]));
  });

  test.each([
    ["nope=1", 'unknown query parameter "nope"'],
    ["messageId=a&messageId=b", "messageId is given twice"],
    ["count=0", "count must be between 1 and 100, got 0"],
    ["count=101", "count must be between 1 and 100, got 101"],
    ["count=1.5", 'count must be a whole number >= 0, got "1.5"'],
    ["responseStatus=5xx", 'responseStatus must be integers, got "5xx"'],
    ["label=a,", "the query parameter label has an empty value"],
  ])("%s is refused: %s", (query, error) => {
    expect(readFilter("test", SPEC, new URLSearchParams(query))).toContain(error);
  });

  test("count, else the operation's default, else every match", () => {
    expect(limitOf(SPEC, read("count=5"))).toBe(5);
    expect(limitOf(SPEC, read(""))).toBe(100);
    expect(limitOf({ params: {} }, read(""))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("matchesMessage", () => {
  test.each([
    ["", true],
    ["flowControlKey=other,orders", true],
    ["flowControlKey=other", false],
    ["url=http://127.0.0.1:4000/hook", true],
    ["url=http://127.0.0.1:4000/other", false],
    ["host=127.0.0.1:4000", true],
    ["host=127.0.0.1", true],
    ["host=localhost", false],
    ["path=/hook", true],
    ["label=eu", true],
    ["label=us,billing", true],
    ["label=us", false],
    ["callerIp=127.0.0.1", true],
    ["messageId=msg_1", true],
    ["messageId=msg_2", false],
    ["fromDate=1000&toDate=1000", true],
    ["fromDate=1001", false],
    ["toDate=999", false],
    ["topicName=group", false],
    ["flowControlKey=orders&label=us", false],
  ])("%s: %s", (query, expected) => {
    expect(matches(query)).toBe(expected);
  });

  test("a message without a key or label matches no filter on them", () => {
    expect(matches("flowControlKey=orders", { key: undefined })).toBe(false);
    expect(matches("label=eu", { label: undefined })).toBe(false);
  });
});
