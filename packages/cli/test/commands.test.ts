import { waitUntil } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "./support/cli.js";
import { runInProcess } from "./support/in-process.js";
import { type LocalQStash, startLocalQStash, TOKEN } from "./support/qstash.js";

let qstash: LocalQStash;
const outputs: CliResult[] = [];

/** The CLI (in-process) against the dev server, token and URL from the environment. */
async function cli(...args: string[]): Promise<CliResult> {
  const result = await runInProcess(args, { QSTASH_TOKEN: TOKEN, QSTASH_URL: qstash.url });
  outputs.push(result);
  return result;
}

async function json(...args: string[]): Promise<any> {
  const result = await cli(...args, "--json");
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

beforeAll(async () => {
  qstash = await startLocalQStash();
});

afterAll(async () => {
  await qstash.close();
  // Whatever happened above, the token never reached the terminal.
  expect(outputs.length).toBeGreaterThan(10);
  for (const { stdout, stderr } of outputs) expect(stdout + stderr).not.toContain(TOKEN);
});

describe.concurrent("reading", () => {
  it("lists keys as a table and as JSON", async () => {
    await qstash.publish("list-a", "parallelism=3");
    await qstash.publish("list-b", "rate=10, period=1m");
    const keys = (await json("list")) as { flowControlKey: string }[];
    expect(keys.map((k) => k.flowControlKey)).toEqual(expect.arrayContaining(["list-a", "list-b"]));
    const table = await cli("list");
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^KEY\s+STATE\s+WAITLIST\s+PARALLELISM\s+RATE$/);
    expect(lines.find((line) => line.startsWith("list-a "))).toMatch(/^list-a\s+active\s+0\s+\d\/3\s/);
    expect(lines.find((line) => line.startsWith("list-b "))).toMatch(/\s\d+\/10 per 1m$/);
  });

  it("gets one key", async () => {
    await qstash.publish("get-me", "parallelism=2");
    expect(await json("get", "get-me")).toMatchObject({ flowControlKey: "get-me", isPaused: false, parallelismMax: 2 });
    const text = await cli("get", "get-me");
    expect(text.stdout).toMatch(/^key\s+get-me$/m);
    expect(text.stdout).toMatch(/^state\s+active$/m);
    expect(text.stdout).toMatch(/^parallelism\s+\d\/2 \(running\/max\)$/m);
  });

  it("shows the global parallelism", async () => {
    expect(await json("global")).toEqual({ parallelismMax: 50, parallelismCount: expect.any(Number) });
    expect((await cli("global")).stdout).toMatch(/^parallelism\s+\d+\/50 /);
  });
});

describe.concurrent("changing a key", () => {
  it("pauses (messages wait, nothing is delivered) and resumes (the waitlist drains)", async () => {
    const key = "pause-me";
    expect(await json("pause", key)).toEqual({ ok: true, operation: "pause", key });
    for (let i = 0; i < 3; i++) await qstash.publish(key);
    expect(await json("get", key)).toMatchObject({ isPaused: true, waitListSize: 3 });
    expect(qstash.delivered(key)).toBe(0);

    const resumed = await cli("resume", key);
    expect(resumed).toMatchObject({ code: 0, stdout: `"${key}" resumed: its waitlist drains.\n` });
    await waitUntil(() => qstash.delivered(key) === 3, "three deliveries");
    expect(await json("get", key)).toMatchObject({ isPaused: false, waitListSize: 0 });
  });

  it("pins, unpins and resets the rate", async () => {
    const key = "pin-me";
    await qstash.publish(key, "parallelism=1, rate=5, period=10s");
    const pinned = await json("pin", key, "--parallelism", "2", "--rate", "10", "--period", "1m");
    expect(pinned).toEqual({ ok: true, operation: "pin", key, pinned: { parallelism: 2, rate: 10, period: 60 } });
    expect(await json("get", key)).toMatchObject({
      parallelismMax: 2,
      rateMax: 10,
      ratePeriod: 60,
      isPinnedParallelism: true,
      isPinnedRate: true,
    });
    expect((await cli("get", key)).stdout).toMatch(/^rate\s+\d+\/10 per 1m pinned/m);

    expect((await cli("unpin", key, "--parallelism")).stdout).toBe(`"${key}" unpinned: parallelism.\n`);
    expect(await json("get", key)).toMatchObject({ isPinnedParallelism: false, isPinnedRate: true });
    expect(await json("unpin", key, "--rate", "--parallelism")).toMatchObject({
      unpinned: { parallelism: true, rate: true },
    });
    expect(await json("get", key)).toMatchObject({ isPinnedParallelism: false, isPinnedRate: false });

    expect(await json("reset-rate", key)).toEqual({ ok: true, operation: "resetRate", key });
    expect(await json("get", key)).toMatchObject({ rateCount: 0 });
  });
});
