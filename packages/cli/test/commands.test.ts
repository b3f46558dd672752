import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "./support/cli.js";
import { type FakeQStash, publish, startFakeQStash } from "./support/fake-qstash.js";

let server: FakeQStash;
const outputs: CliResult[] = [];

/** The CLI against the server, token and URL from the environment unless the args give them. */
async function cli(...args: string[]): Promise<CliResult> {
  const result = await runCli(args, { QSTASH_TOKEN: server.token, QSTASH_URL: server.url });
  outputs.push(result);
  return result;
}

const parse = (result: CliResult) => {
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout);
};

beforeAll(async () => {
  server = await startFakeQStash();
});

afterAll(async () => {
  await server.close();
  // Whatever happened above, the token never reached the terminal.
  expect(outputs.length).toBeGreaterThan(10);
  for (const { stdout, stderr } of outputs) expect(stdout + stderr).not.toContain(server.token);
});

describe("reading", () => {
  it("lists keys as a table and as JSON", async () => {
    await publish(server.url, server.token, "list-a", "http://127.0.0.1:9/sink");
    await publish(server.url, server.token, "list-b", "http://127.0.0.1:9/sink");
    const keys = parse(await cli("list", "--json")) as { flowControlKey: string }[];
    expect(keys.map((k) => k.flowControlKey)).toEqual(expect.arrayContaining(["list-a", "list-b"]));
    const table = await cli("list");
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^KEY\s+STATE\s+WAITLIST\s+PARALLELISM\s+RATE$/);
    expect(lines.find((line) => line.startsWith("list-a "))).toMatch(/active\s+0\s+/);
  });

  it("gets one key", async () => {
    await publish(server.url, server.token, "get-me", "http://127.0.0.1:9/sink");
    const info = parse(await cli("get", "get-me", "--json"));
    expect(info).toMatchObject({ flowControlKey: "get-me", isPaused: false, waitListSize: 0 });
    const text = await cli("get", "get-me");
    expect(text.stdout).toMatch(/^key\s+get-me$/m);
    expect(text.stdout).toMatch(/^state\s+active$/m);
  });

  it("shows the global parallelism", async () => {
    expect(parse(await cli("global", "--json"))).toEqual({ parallelismMax: 100, parallelismCount: 0 });
    expect((await cli("global")).stdout).toMatch(/^parallelism\s+0\/100/);
  });
});

describe("changing a key", () => {
  it("pauses (messages wait) and resumes (the waitlist drains)", async () => {
    const key = "pause-me";
    await publish(server.url, server.token, key, "http://127.0.0.1:9/sink");
    expect(parse(await cli("pause", key, "--json"))).toEqual({ ok: true, operation: "pause", key });
    for (let i = 0; i < 3; i++) await publish(server.url, server.token, key, "http://127.0.0.1:9/sink");
    expect(parse(await cli("get", key, "--json"))).toMatchObject({ isPaused: true, waitListSize: 3 });
    const resumed = await cli("resume", key);
    expect(resumed).toMatchObject({ code: 0, stdout: `"${key}" resumed: its waitlist drains.\n` });
    expect(parse(await cli("get", key, "--json"))).toMatchObject({ isPaused: false, waitListSize: 0 });
    expect(server.delivered.get(key)).toBe(4);
  });

  it("pins, unpins and resets the rate", async () => {
    const key = "pin-me";
    await publish(server.url, server.token, key, "http://127.0.0.1:9/sink");
    const pinned = parse(await cli("pin", key, "--parallelism", "2", "--rate", "10", "--period", "1m", "--json"));
    expect(pinned).toEqual({ ok: true, operation: "pin", key, pinned: { parallelism: 2, rate: 10, period: 60 } });
    expect(parse(await cli("get", key, "--json"))).toMatchObject({
      parallelismMax: 2,
      rateMax: 10,
      ratePeriod: 60,
      isPinnedParallelism: true,
      isPinnedRate: true,
    });
    expect((await cli("get", key)).stdout).toMatch(/^rate\s+0\/10 per 1m pinned/m);
    expect((await cli("unpin", key, "--parallelism")).stdout).toBe(`"${key}" unpinned: parallelism.\n`);
    expect(parse(await cli("get", key, "--json"))).toMatchObject({ isPinnedParallelism: false, isPinnedRate: true });
    expect(parse(await cli("unpin", key, "--rate", "--parallelism", "--json"))).toMatchObject({
      unpinned: { parallelism: true, rate: true },
    });
    expect(parse(await cli("reset-rate", key, "--json"))).toEqual({ ok: true, operation: "resetRate", key });
  });
});
