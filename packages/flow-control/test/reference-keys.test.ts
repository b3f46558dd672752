// The reference list of keys: which are sent, to which raw route, and which are refused.
// The README's "Keys" table shows the same list; this test keeps the two in step.
import { readFile } from "node:fs/promises";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FlowControl, ValidationError } from "../src/index.ts";

interface Row {
  /** How the README shows the key. */
  label: string;
  key: unknown;
  /** The raw request target of `pause`, or `undefined` when the key is refused. */
  route?: string;
  /** How the README shows the route, when it is too long to print. */
  shown?: string;
}

const pauseRoute = (segment: string) => `/v2/flowControl/${segment}/pause`;

const REFERENCE: Row[] = [
  { label: '`"orders"`', key: "orders", route: pauseRoute("orders") },
  { label: '`"a/b"`', key: "a/b", route: pauseRoute("a%2Fb") },
  { label: '`"a?x=1"`', key: "a?x=1", route: pauseRoute("a%3Fx%3D1") },
  { label: '`"a#b"`', key: "a#b", route: pauseRoute("a%23b") },
  { label: '`"%2F"`', key: "%2F", route: pauseRoute("%252F") },
  { label: '`"a b"`', key: "a b", route: pauseRoute("a%20b") },
  { label: '`"a+b&c=d"`', key: "a+b&c=d", route: pauseRoute("a%2Bb%26c%3Dd") },
  { label: '`"ü"`', key: "ü", route: pauseRoute("%C3%BC") },
  { label: '`"🚦"`', key: "🚦", route: pauseRoute("%F0%9F%9A%A6") },
  { label: '`"..."`', key: "...", route: pauseRoute("...") },
  { label: '`"a/../b"`', key: "a/../b", route: pauseRoute("a%2F..%2Fb") },
  {
    label: '`"k"` × 1,000',
    key: "k".repeat(1000),
    route: pauseRoute("k".repeat(1000)),
    shown: "`/v2/flowControl/` + 1,000 × `k` + `/pause`",
  },
  { label: '`".."`', key: ".." },
  { label: '`"."`', key: "." },
  { label: '`""`', key: "" },
  { label: '`"%2e%2e"`', key: "%2e%2e" },
  { label: '`"%2E"`', key: "%2E" },
  { label: '`".%2e"`', key: ".%2e" },
  { label: '`"a\\nb"` (a control character)', key: "a\nb" },
  { label: '`"\\ud800"` (a lone surrogate)', key: "\ud800" },
  { label: "`42` (not a string)", key: 42 },
];

/** The README line for a row. */
function readmeLine(row: Row): string {
  const outcome = row.route ? (row.shown ?? `\`${row.route}\``) : "refused: `ValidationError`, nothing sent";
  return `| ${row.label} | ${outcome} |`;
}

let server: LoopbackServer;
let flow: FlowControl;

beforeAll(async () => {
  server = await startLoopbackServer((_request, response) => {
    response.end();
  });
  flow = new FlowControl({ token: "reference-token", baseUrl: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

describe("reference keys on the wire", () => {
  test.each(REFERENCE.filter((row) => row.route))("$label is sent", async ({ key, route }) => {
    const before = server.requests.length;
    await flow.pause(key as string);
    expect(server.requests.slice(before).map((r) => `${r.method} ${r.rawUrl}`)).toEqual([`POST ${route}`]);
  });

  const KEY_OPERATIONS: [string, (key: string) => Promise<unknown>][] = [
    ["get", (key) => flow.get(key)],
    ["pause", (key) => flow.pause(key)],
    ["resume", (key) => flow.resume(key)],
    ["resetRate", (key) => flow.resetRate(key)],
    ["pin", (key) => flow.pin(key, { parallelism: 1 })],
    ["unpin", (key) => flow.unpin(key, { rate: true })],
  ];

  test.each(REFERENCE.filter((row) => !row.route))("$label is refused by every operation", async ({ key }) => {
    const before = server.requests.length;
    for (const [operation, call] of KEY_OPERATIONS) {
      const error = await call(key as string).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(new RegExp(`^QStash ${operation}\\b`));
    }
    expect(server.requests.length).toBe(before);
  });
});

test("the README's Keys table is this reference list", async () => {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.split(/^## Keys$/m)[1]?.split(/^## /m)[0] ?? "";
  const rows = section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| key "));
  expect(rows).toEqual(REFERENCE.map(readmeLine));
});
