import { expect, test } from "vitest";
import { formatDevServerEvent } from "./events.ts";

const about = { messageId: "msg_1", destination: "http://127.0.0.1:9/hook", flowControlKey: "orders" };

test.each([
  [
    { type: "attempt", ...about, retried: 1, status: 500 },
    "attempt msg_1 -> http://127.0.0.1:9/hook retried=1: 500 key=orders",
  ],
  [
    { type: "attempt", ...about, retried: 0, error: "connect ECONNREFUSED" },
    "attempt msg_1 -> http://127.0.0.1:9/hook retried=0: connect ECONNREFUSED key=orders",
  ],
  [
    { type: "retrying", ...about, retried: 1, delay: 12, qstashDelay: 12_182.49 },
    "retrying msg_1 -> http://127.0.0.1:9/hook in 12 ms (QStash: 12182 ms), retried=1 key=orders",
  ],
  [{ type: "cancelled", ...about }, "cancelled msg_1 -> http://127.0.0.1:9/hook key=orders"],
  [
    { type: "published", ...about, dlqId: "1-0" },
    "published msg_1 -> http://127.0.0.1:9/hook (retried from the DLQ, dlqId=1-0) key=orders",
  ],
  [
    { type: "dead", ...about, dlqId: "1-0", retried: 3, maxRetries: 3, status: 503 },
    "dead msg_1 -> http://127.0.0.1:9/hook after 3 retries, last answer 503, dlqId=1-0 key=orders",
  ],
  [
    { type: "dead", ...about, dlqId: "1-1", retried: 0, maxRetries: 0, error: "no response within 100 ms" },
    "dead msg_1 -> http://127.0.0.1:9/hook after 0 retries, last answer no response within 100 ms, dlqId=1-1 key=orders",
  ],
  [
    {
      type: "callback",
      messageId: "msg_2",
      destination: "http://127.0.0.1:9/cb",
      kind: "failureCallback",
      sourceMessageId: "msg_1",
    },
    "failureCallback msg_2 -> http://127.0.0.1:9/cb for msg_1",
  ],
  [
    { type: "deduplicated", ...about },
    "deduplicated msg_1 -> http://127.0.0.1:9/hook (a duplicate publish, not enqueued) key=orders",
  ],
  [
    { type: "published", ...about, notBefore: Date.UTC(2026, 0, 1) },
    "published msg_1 -> http://127.0.0.1:9/hook not before 2026-01-01T00:00:00.000Z key=orders",
  ],
] as const)("%j prints as one line naming the message, destination and outcome", (event, line) => {
  expect(formatDevServerEvent(event)).toBe(line);
});
