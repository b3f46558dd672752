// The README's header table against the official SDK: every publish option of
// `@upstash/qstash` is sent once, the headers it produces are read off the wire, and each
// must be in the table, and the dev server must do what the table says with it.
import { readFile } from "node:fs/promises";
import { startLoopbackServer } from "@qstash-flow/test-utils";
import { Client, type PublishRequest } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "../src/index.ts";
import { recorder, sinksPerTest } from "./helpers.ts";

/** Every option name of the SDK's publish request, across its url / urlGroup / api / topic forms. */
type PublishOption = PublishRequest extends infer T ? (T extends unknown ? keyof T : never) : never;

const HOOK = "http://127.0.0.1:9/hook";
/**
 * One value per option; `satisfies` makes an option added by a newer SDK fail to compile
 * here until it is walked too.
 */
const SAMPLES = {
  url: HOOK,
  body: "walk",
  headers: { "X-Custom": "1" },
  delay: 0,
  notBefore: 1,
  deduplicationId: "walk-id",
  contentBasedDeduplication: true,
  retries: 1,
  retryDelay: "pow(2, retried) * 1000",
  failureCallback: HOOK,
  method: "PUT",
  timeout: 5,
  flowControl: { key: "walk", parallelism: 1 },
  label: "walk",
  redact: { body: true, header: ["Authorization"] },
  callback: HOOK,
  urlGroup: "walk-group",
  api: { name: "llm", provider: undefined },
  topic: "walk-topic",
} satisfies Record<PublishOption, unknown>;

/** The options that replace `url` as the destination. */
const DESTINATIONS = new Set<PublishOption>(["url", "urlGroup", "api", "topic"]);

interface Row {
  patterns: RegExp[];
  verdict: "honoured" | "refused";
}

async function headerTable(): Promise<Row[]> {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const start = readme.indexOf("### Every publish header");
  const section = readme.slice(start, readme.indexOf("\n## ", start));
  const rows = section.split("\n").filter((line) => /^\| `|^\| any other/.test(line));
  return rows.map((line) => {
    const [first = "", , verdict = ""] = line.split(" | ").map((cell) => cell.replace(/^\| /, "").trim());
    const names = [...first.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
    const patterns = first.startsWith("any other")
      ? [/^upstash-/]
      : names.map((name) => new RegExp(`^${name.toLowerCase().replaceAll("*", ".+")}$`));
    expect(["honoured", "refused"]).toContain(verdict);
    return { patterns, verdict: verdict as Row["verdict"] };
  });
}

/** The table's verdict for a header: the first row that names it (the catch-all is last). */
function verdictOf(table: Row[], header: string): Row["verdict"] | undefined {
  return table.find((row) => row.patterns.some((pattern) => pattern.test(header)))?.verdict;
}

let server: DevServer;
const record = recorder();
const sink = sinksPerTest();

beforeAll(async () => {
  server = await startDevServer({ port: 0, log: record.log });
});
afterAll(() => server.close());

/** What the SDK puts on the wire for one publish: its headers, read by a loopback stand-in for QStash. */
async function sdkHeaders(request: Record<string, unknown>): Promise<Record<string, string>> {
  const fake = await startLoopbackServer((_request, response) => {
    response.writeHead(201, { "content-type": "application/json" });
    response.end(JSON.stringify({ messageId: "msg_fake" }));
  });
  try {
    const client = new Client({ baseUrl: fake.url, token: "t", devMode: false, retry: false });
    await client.publish(request as PublishRequest);
    return Object.fromEntries(
      Object.entries(fake.requests[0]?.headers ?? {}).map(([name, value]) => [name, String(value)]),
    );
  } finally {
    await fake.close();
  }
}

/** Headers that say something to QStash, not to HTTP (host, length, connection and the like). */
const meaningful = (name: string) => name.startsWith("upstash-") || name === "content-type" || name === "authorization";

describe("the README's header table covers what the SDK sends", () => {
  test("every header of every publish option is in the table, and the dev server does what it says", async () => {
    const table = await headerTable();
    const destination = await sink();
    const client = new Client({ baseUrl: server.url, token: server.token, devMode: false, retry: false });
    const base = { url: destination.url, body: "walk" };
    const baseline = await sdkHeaders(base);
    const seen = new Set<string>();
    for (const [option, sample] of Object.entries(SAMPLES) as Array<[PublishOption, unknown]>) {
      const value = option === "callback" || option === "failureCallback" ? destination.url : sample;
      const request: Record<string, unknown> = DESTINATIONS.has(option)
        ? { body: "walk", [option]: option === "url" ? destination.url : value }
        : { ...base, [option]: value };
      const sent = await sdkHeaders(request);
      const added = Object.keys(sent).filter(meaningful);
      for (const name of [...Object.keys(baseline).filter(meaningful), ...added]) {
        seen.add(name);
        expect(verdictOf(table, name), `${name} (from ${option}) is in the README's table`).toBeDefined();
      }
      const answer = await client.publish(request as PublishRequest).then(
        () => ({ status: 201, error: "" }),
        (error: { status?: number; message: string }) => ({ status: error.status, error: error.message }),
      );
      if (option === "urlGroup" || option === "topic" || option === "api") {
        // Not a URL: the destinations QStash resolves itself are not served.
        expect(answer, option).toMatchObject({ status: 400 });
        continue;
      }
      const refused = added.filter((name) => verdictOf(table, name) === "refused");
      if (refused.length === 0) expect(answer, `${option}: ${answer.error}`).toEqual({ status: 201, error: "" });
      else expect(answer.error).toMatch(/does not implement this header/);
    }
    // The walk met the SDK's own headers too, and each has a row.
    expect([...seen]).toEqual(expect.arrayContaining(["authorization", "upstash-method", "upstash-telemetry-sdk"]));
  });

  test("a header the table says is refused gets 501 naming it, and nothing is published", async () => {
    const table = await headerTable();
    expect(verdictOf(table, "upstash-queue-name")).toBe("refused");
    const destination = await sink();
    const client = new Client({ baseUrl: server.url, token: server.token, devMode: false, retry: false });
    const before = record.of("published").length;
    await expect(
      client.publish({ url: destination.url, body: "x", headers: { "Upstash-Queue-Name": "q" } }),
    ).rejects.toMatchObject({ status: 501, message: expect.stringContaining("Upstash-Queue-Name") });
    expect(record.of("published")).toHaveLength(before);
  });
});
