import { describe, expect, test } from "vitest";
import { DeadLetters } from "./dead-letters.js";
import type { Message } from "./message.js";

function message(id: string, key: string | undefined): Message {
  return {
    id,
    destination: new URL("http://127.0.0.1/hook"),
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: Buffer.from(id),
    key,
    flow: undefined,
    retries: 3,
    retryDelay: undefined,
    timeout: 1000,
    callback: undefined,
    failureCallback: undefined,
    label: undefined,
    redact: undefined,
    createdAt: 0,
    notBefore: 0,
    retried: 3,
    callerIp: "127.0.0.1",
    kind: "message",
  };
}

describe("dead messages", () => {
  test("are kept whole, listed per flow-control key in the order they died, and deleted one by one", () => {
    const dead = new DeadLetters();
    const last = { status: 500, headers: {}, body: Buffer.from("no") };
    const a = dead.add(message("a", "orders"), last, 1000);
    const b = dead.add(message("b", undefined), { error: "ECONNREFUSED" }, 1000);
    const c = dead.add(message("c", "orders"), last, 2000);
    expect(new Set([a.dlqId, b.dlqId, c.dlqId]).size).toBe(3);
    expect(a.dlqId).toMatch(/^1000-\d+$/);
    expect(dead.list({ flowControlKey: "orders" }).map((d) => d.message.id)).toEqual(["a", "c"]);
    expect(dead.list({ flowControlKey: "" }).map((d) => d.message.id)).toEqual(["b"]);
    expect(dead.list().map((d) => d.message.id)).toEqual(["a", "b", "c"]);
    expect(dead.get(c.dlqId)).toMatchObject({ last, diedAt: 2000, message: { body: Buffer.from("c") } });
    expect(dead.delete(a.dlqId)).toBe(true);
    expect(dead.delete(a.dlqId)).toBe(false);
    expect(dead.list({ flowControlKey: "orders" }).map((d) => d.message.id)).toEqual(["c"]);
    expect(dead.size).toBe(2);
    expect(dead.list({ flowControlKey: "unknown" })).toEqual([]);
  });
});
