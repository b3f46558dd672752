import { startLoopbackServer, waitUntil } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "./support/in-process.js";
import { OBSERVED_TOKEN, type ObservedQStash, startObservedQStash } from "./support/observed.js";

let qstash: ObservedQStash;

beforeAll(async () => {
  qstash = await startObservedQStash();
  // A destination that never answers: the first message holds the only slot for good.
  await qstash.publish("d-stuck", "parallelism=1", 3, { hang: true });
  await waitUntil(async () => (await qstash.client.get("d-stuck")).parallelismCount === 1, "the held slot");
  await qstash.client.pause("d-paused");
  await qstash.publish("d-paused", "parallelism=5", 4);
  await qstash.client.pin("d-pinned", { rate: 3, period: 60 });
  // A key that works: it must not show up.
  await qstash.publish("d-fine", "parallelism=2", 2);
});

afterAll(async () => {
  await qstash.close();
});

const doctor = (...args: string[]) =>
  runInProcess(["doctor", "--samples", "2", "--interval", "1s", ...args], qstash.env);

describe("qstash-flow doctor", () => {
  it("finds the stuck key (exit 1), the paused one and the pin, worst first, as JSON", async () => {
    const { code, stdout, stderr } = await doctor("--prefix", "d-", "--json");
    expect(code, stdout + stderr).toBe(1);
    const { findings } = JSON.parse(stdout) as { findings: Record<string, string>[] };
    expect(findings.map((f) => Object.keys(f).sort())).toEqual(
      findings.map(() => ["check", "key", "message", "severity"]),
    );
    expect(findings.map((f) => [f.severity, f.check, f.key])).toEqual([
      ["error", "stuck", "d-stuck"],
      ["warning", "paused-with-waitlist", "d-paused"],
      ["info", "pinned", "d-pinned"],
    ]);
    expect(findings[0]?.message).toMatch(
      /^parallelism full \(1\/1 in flight\) and 2 waiting, nothing changed in 2 samples over \d+s: /,
    );
    expect(findings[1]?.message).toBe(
      'paused with 4 messages waiting; nothing is delivered until `qstash-flow resume "d-paused"`.',
    );
    // Under --json the failure is one JSON object on stderr, as for every command.
    expect(JSON.parse(stderr)).toEqual({
      error: {
        name: "CommandFailure",
        message: "doctor found 1 error; see the findings above",
        status: null,
        operation: null,
        key: null,
      },
    });
  });

  it("exits 0 when nothing is an error, and explains each finding in text", async () => {
    const { code, stdout, stderr } = await doctor("--prefix", "d-pa");
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toMatch(/^warning {2}paused-with-waitlist {2}d-paused\n {9}paused with 4 messages waiting; /);
    // the dev server serves the DLQ: it was read, and it holds nothing for this key
    expect(stdout).toMatch(/\n1 warning \(1 key, 2 samples over \d+s\)\.\n$/);
    expect(stdout + stderr).not.toContain(OBSERVED_TOKEN);
  });

  it("says so when all is well", async () => {
    const { code, stdout } = await doctor("--prefix", "d-fine");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^No findings \(1 key, 2 samples over \d+s\)\.\n$/);
  });

  it("sees a waitlist that grows at every sample and a key held at its rate limit", async () => {
    // An API whose answers the test scripts: each list shows 10 more messages waiting.
    let lists = 0;
    const api = await startLoopbackServer((request, response) => {
      // An empty DLQ: no finding from it.
      if (request.rawUrl.startsWith("/v2/dlq")) {
        return void response.writeHead(200, { "content-type": "application/json" }).end('{"messages":[]}');
      }
      lists++;
      const keys = [{ flowControlKey: "busy", waitListSize: 10 * lists, rateMax: 50, rateCount: 50, ratePeriod: 60 }];
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(keys));
    });
    try {
      const env = { QSTASH_URL: api.url, QSTASH_TOKEN: OBSERVED_TOKEN };
      const { code, stdout } = await runInProcess(["doctor", "--samples", "3", "--interval", "1s", "--json"], env);
      expect(code).toBe(0);
      const { findings } = JSON.parse(stdout) as { findings: Record<string, string>[] };
      expect(findings.map((f) => [f.severity, f.check, f.key])).toEqual([
        ["warning", "waitlist-growing", "busy"],
        ["info", "rate-bound", "busy"],
      ]);
      expect(findings[0]?.message).toMatch(
        /^the waitlist grew at every sample \(10 -> 20 -> 30, 3 samples over \d+s\)/,
      );
      expect(findings[1]?.message).toMatch(/^the rate limit \(50 per 1m\) was reached in 3 of 3 samples; /);
      expect(lists).toBe(3);
    } finally {
      await api.close();
    }
  });

  it("refuses fewer than two samples and an interval that is not a duration, sending nothing", async () => {
    const lists = qstash.served("list");
    for (const args of [
      ["--samples", "1"],
      ["--interval", "soon"],
      ["--interval", "500ms"],
      ["--interval", "5"],
      ["--samples", "2x"],
    ]) {
      const { code, stderr } = await runInProcess(["doctor", ...args], qstash.env);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr).toMatch(/error: option '--(samples|interval)/);
    }
    expect(qstash.served("list")).toBe(lists);
    const { stderr } = await runInProcess(["doctor", "--interval", "600h"], qstash.env);
    expect(stderr).toContain('expected a duration such as "500ms", "10s", "2m", "1h", from 1s');
  });
});
