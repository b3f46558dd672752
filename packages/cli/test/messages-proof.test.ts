// The incident an operator meets, end to end against the dev server with real deliveries:
// a paused key's backlog cancelled from the terminal, and a key's dead letters listed,
// retried once the destination is back (each delivered once, within the key's limits)
// and deleted.
import { startDevServer } from "@qstash-flow/dev-server";
import { FlowControl } from "@qstash-flow/flow-control";
import { publishMessage, startLoopbackServer, waitUntil } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "./support/in-process.js";

const TOKEN = "messages-proof-token-8c41";
let server: Awaited<ReturnType<typeof startDevServer>>;
let destination: Awaited<ReturnType<typeof startLoopbackServer>>;
let flow: FlowControl;
let down = false;
/** Bodies delivered with a 2xx, and the most deliveries of one key open at once. */
const delivered: string[] = [];
const open = new Map<string, number>();
const mostOpen = new Map<string, number>();

beforeAll(async () => {
  server = await startDevServer({ port: 0, token: TOKEN, globalParallelism: 50 });
  destination = await startLoopbackServer(async (request, response) => {
    const key = decodeURIComponent(request.rawUrl.slice(1));
    open.set(key, (open.get(key) ?? 0) + 1);
    mostOpen.set(key, Math.max(mostOpen.get(key) ?? 0, open.get(key) ?? 0));
    await new Promise((resolve) => setImmediate(resolve));
    open.set(key, (open.get(key) ?? 1) - 1);
    if (!down) delivered.push(request.body);
    response.statusCode = down ? 503 : 200;
    response.end();
  });
  flow = new FlowControl({ token: TOKEN, baseUrl: server.url });
});

afterAll(async () => {
  await server?.close();
  await destination?.close();
});

const cli = (...args: string[]) => runInProcess(args, { QSTASH_URL: server.url, QSTASH_TOKEN: TOKEN });
const publish = (key: string, body: string, headers?: Record<string, string>) =>
  publishMessage({
    url: server.url,
    token: TOKEN,
    destination: new URL(`/${encodeURIComponent(key)}`, destination.url),
    key,
    value: "parallelism=2",
    body,
    ...(headers && { headers }),
  });

describe("acting on a key's messages against the dev server", () => {
  it("cancel empties a paused key's 1,000 waiting messages; none is delivered after resume", async () => {
    const key = "proof/backlog";
    await flow.pause(key);
    for (let i = 0; i < 1000; i++) await publish(key, `backlog-${i}`);
    expect((await flow.get(key)).waitListSize).toBe(1000);

    const result = await cli("cancel", key, "--yes", "--json");
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, operation: "cancelMessages", key, cancelled: 1000 });
    expect((await flow.get(key)).waitListSize).toBe(0);

    await flow.resume(key);
    await publish(key, "after-resume");
    await waitUntil(() => delivered.includes("after-resume"), "the message published after resume");
    expect(delivered.filter((body) => body.startsWith("backlog-"))).toEqual([]);
  });

  it("dead letters: listed for their key only, retried once within the key's limits, then deleted", async () => {
    const [key, other] = ["proof/dead", "proof/dead-other"];
    down = true;
    for (let i = 0; i < 6; i++) await publish(key, `dead-${i}`, { "upstash-retries": "1" });
    await publish(other, "other", { "upstash-retries": "0" });
    const count = async (k: string) => {
      let n = 0;
      for await (const page of flow.listDeadLetters(k)) n += page.messages.length;
      return n;
    };
    await waitUntil(async () => (await count(key)) === 6 && (await count(other)) === 1, "seven dead letters");

    const listed = await cli("dlq", "list", key, "--json");
    const { messages } = JSON.parse(listed.stdout) as { messages: { flowControlKey: string }[] };
    expect(messages.map((m) => m.flowControlKey)).toEqual(Array(6).fill(key));

    down = false;
    mostOpen.clear();
    const retried = await cli("dlq", "retry", key, "--yes", "--json");
    expect(JSON.parse(retried.stdout)).toEqual({ ok: true, operation: "retryDeadLetters", key, retried: 6 });
    const wanted = Array.from({ length: 6 }, (_, i) => `dead-${i}`);
    await waitUntil(() => wanted.every((body) => delivered.includes(body)), "the six retried messages");
    await waitUntil(async () => (await flow.get(key)).parallelismCount === 0, "the key's slots freed");
    expect(delivered.filter((body) => body.startsWith("dead-")).sort()).toEqual(wanted);
    expect(mostOpen.get(key)).toBeLessThanOrEqual(2);
    expect(await count(key)).toBe(0);

    const deleted = await cli("dlq", "delete", other, "--yes", "--json");
    expect(JSON.parse(deleted.stdout)).toEqual({ ok: true, operation: "deleteDeadLetters", key: other, deleted: 1 });
    const rest = await cli("dlq", "list", "--all", "--json");
    expect(JSON.parse(rest.stdout).keys).toEqual([]);
    expect(delivered).not.toContain("other");
  });
});
