// Arbitrary keys against a real HTTP server: every key the client accepts must arrive
// as exactly one segment of the pause route and decode to the very same string; every
// key it refuses must be refused with ValidationError before anything is sent.
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createQStashTransport, pause, type QStashTransport, ValidationError } from "../src/index.ts";

const ROUTE = /^\/v2\/flowControl\/([^/?#]*)\/pause$/;
// What encodeURIComponent may leave as is, and %XX escapes: nothing else may reach the wire.
const SEGMENT = /^(?:[A-Za-z0-9\-_.!~*'()]|%[0-9A-F]{2})+$/;

let server: LoopbackServer;
let client: QStashTransport;

beforeAll(async () => {
  server = await startLoopbackServer((_request, response) => {
    response.end();
  });
  client = createQStashTransport({ token: "property-token", baseUrl: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

/** The rules, written out independently of the client's own check. */
function shouldRefuse(key: string): boolean {
  return (
    key === "" ||
    [".", ".."].includes(key.replace(/%2e/gi, ".")) ||
    /[\u0000-\u001f\u007f-\u009f]/.test(key) ||
    !wellFormed(key)
  );
}

function wellFormed(key: string): boolean {
  try {
    encodeURIComponent(key); // throws on a lone surrogate
    return true;
  } catch {
    return false;
  }
}

const tricky = fc
  .array(
    fc.constantFrom(
      ...[".", "..", "%", "%2e", "%2E", "%2F", "%25", "/", "\\", "?", "#", "&", "=", "+", " ", "a", "ü", "🚦"],
      ...["\u0000", "\n", "\u007f", "\u0085", "\u2028", "\ufeff", "\ud800", "\udc00", "e\u0301", "👩🏽‍🚀"],
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(""));

const keys = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "grapheme-composite", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "binary-ascii", maxLength: 40 }),
  // single UTF-16 code units, so lone surrogates come up too
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), maxLength: 20 }),
  tricky,
);

test("every key is either routed to exactly its own segment or refused before sending", async () => {
  let accepted = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(keys, async (key) => {
      const before = server.requests.length;
      if (shouldRefuse(key)) {
        await expect(pause(client, key)).rejects.toBeInstanceOf(ValidationError);
        expect(server.requests.length).toBe(before);
        refused++;
        return;
      }
      await pause(client, key);
      expect(server.requests.length).toBe(before + 1);
      const target = server.requests[before]?.rawUrl ?? "";
      const segment = ROUTE.exec(target)?.[1];
      expect(segment, `raw target ${target}`).toMatch(SEGMENT);
      expect(decodeURIComponent(segment as string)).toBe(key);
      accepted++;
    }),
    { numRuns: 600 },
  );
  // the generators must have exercised both sides
  expect(accepted).toBeGreaterThan(100);
  expect(refused).toBeGreaterThan(20);
});
