import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT } from "@qstash-flow/flow-control";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "./support/cli.js";
import { runInProcess } from "./support/in-process.js";
import { type LocalQStash, startLocalQStash, TOKEN } from "./support/qstash.js";

let qstash: LocalQStash;
/** Never answers: only a timeout ends a call to it. */
let hung: LoopbackServer;
const outputs: CliResult[] = [];

const API_COMMANDS = [
  "list",
  "get",
  "pause",
  "resume",
  "pin",
  "unpin",
  "reset-rate",
  "global",
  "watch",
  "metrics",
  "doctor",
];
/** The commands that poll: one attempt per refresh, with the interval as its timeout. */
const POLLING = ["watch", "metrics"];

beforeAll(async () => {
  qstash = await startLocalQStash();
  await qstash.publish("exists");
  hung = await startLoopbackServer(() => {});
});

afterAll(async () => {
  await Promise.all([qstash.close(), hung.close()]);
  for (const { stdout, stderr } of outputs) expect(stdout + stderr).not.toContain(TOKEN);
});

async function cli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const result = await runInProcess(args, env);
  outputs.push(result);
  return result;
}

/** A server that fails every request with 500 and counts them. */
async function failing(): Promise<LoopbackServer> {
  return startLoopbackServer((_, response) => {
    response.statusCode = 500;
    response.end();
  });
}

describe("--timeout and --retries", () => {
  it.each(API_COMMANDS)("%s takes both and names its defaults in --help", async (command) => {
    const { stdout } = await cli([command, "--help"], {});
    const help = stdout.replace(/\s+/g, " ");
    if (POLLING.includes(command)) {
      expect(help).toContain(
        "--timeout <duration> per attempt, with a unit: 500ms, 10s, 2m (default: $QSTASH_FLOW_TIMEOUT, else the interval, min 5s)",
      );
      expect(help).toContain(
        "--retries <n> retries on network errors, 408, 429, 5xx (default: $QSTASH_FLOW_RETRIES, else 0)",
      );
    } else {
      expect(help).toContain(`(default: $QSTASH_FLOW_TIMEOUT, else ${DEFAULT_TIMEOUT / 1000}s)`);
      expect(help).toContain(`(default: $QSTASH_FLOW_RETRIES, else ${DEFAULT_MAX_RETRIES})`);
    }
  });

  // The client counts the attempts it made: a request that a loaded machine has not yet
  // delivered to the server when the attempt times out still counts.
  it("--timeout bounds a call to a server that never answers, with one attempt under --retries 0", async () => {
    const result = await cli(["get", "k", "--timeout", "300ms", "--retries", "0"], {
      QSTASH_TOKEN: TOKEN,
      QSTASH_URL: hung.url,
    });
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain('QStash get for key "k" failed: no response within 300 ms (1 attempt)');
  });

  it("QSTASH_FLOW_TIMEOUT and QSTASH_FLOW_RETRIES do the same from the environment", async () => {
    const env = { QSTASH_TOKEN: TOKEN, QSTASH_URL: hung.url, QSTASH_FLOW_TIMEOUT: "200ms", QSTASH_FLOW_RETRIES: "1" };
    const result = await cli(["list"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("QStash list failed: no response within 200 ms (2 attempts)");
  });

  it("--retries n sends n + 1 attempts; the flag wins over the environment", async () => {
    const server = await failing();
    try {
      const env = { QSTASH_TOKEN: TOKEN, QSTASH_URL: server.url, QSTASH_FLOW_RETRIES: "3" };
      expect((await cli(["pause", "k", "--retries", "1"], env)).code).toBe(1);
      expect(server.requests).toHaveLength(2);
      expect((await cli(["resume", "k", "--retries", "0"], env)).code).toBe(1);
      expect(server.requests).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  const bad: [string, string[], Record<string, string>, RegExp][] = [
    ["a zero timeout", ["list", "--timeout", "0"], {}, /'0' is invalid.*duration/],
    ["a timeout without a number", ["list", "--timeout", "ms"], {}, /'ms' is invalid/],
    ["an unknown unit", ["list", "--timeout", "5d"], {}, /'5d' is invalid/],
    ["a timeout no timer can wait", ["list", "--timeout", "25d"], {}, /'25d' is invalid/],
    ["negative retries", ["list", "--retries", "-1"], {}, /'-1' is invalid|unknown option/],
    ["fractional retries", ["list", "--retries", "1.5"], {}, /'1.5' is invalid.*whole number/],
    ["a timeout given twice", ["list", "--timeout", "1s", "--timeout", "2s"], {}, /given twice/],
    ["a bad QSTASH_FLOW_TIMEOUT", ["list"], { QSTASH_FLOW_TIMEOUT: "soon" }, /QSTASH_FLOW_TIMEOUT=soon: expected/],
    [
      "a QSTASH_FLOW_TIMEOUT without a unit",
      ["list"],
      { QSTASH_FLOW_TIMEOUT: "10" },
      /QSTASH_FLOW_TIMEOUT=10: a bare number has no unit: expected a duration such as "500ms"/,
    ],
    ["a bad QSTASH_FLOW_RETRIES", ["list"], { QSTASH_FLOW_RETRIES: "many" }, /QSTASH_FLOW_RETRIES=many: expected/],
  ];

  it.each(bad)("refuses %s as a usage error, nothing sent", async (_, args, extra, message) => {
    const server = await failing();
    try {
      const result = await cli(args, { QSTASH_TOKEN: TOKEN, QSTASH_URL: server.url, ...extra });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("credentials in the official SDK's order", () => {
  it("QSTASH_REGION selects <REGION>_QSTASH_URL and <REGION>_QSTASH_TOKEN over the plain ones", async () => {
    const env = {
      QSTASH_REGION: "us-east-1",
      US_EAST_1_QSTASH_URL: qstash.url,
      US_EAST_1_QSTASH_TOKEN: TOKEN,
      QSTASH_URL: "http://127.0.0.1:9",
      QSTASH_TOKEN: "wrong-token-abcdefgh",
    };
    const result = await cli(["get", "exists", "--json"], env);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toMatchObject({ flowControlKey: "exists" });
  });

  it("an incomplete region pair falls back to QSTASH_URL and QSTASH_TOKEN with a warning", async () => {
    const env = {
      QSTASH_REGION: "EU_CENTRAL_1",
      EU_CENTRAL_1_QSTASH_URL: "http://127.0.0.1:9",
      QSTASH_URL: qstash.url,
      QSTASH_TOKEN: TOKEN,
    };
    const text = await cli(["get", "exists"], env);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe(
      "warning: QSTASH_REGION is EU_CENTRAL_1 but EU_CENTRAL_1_QSTASH_TOKEN is not set: falling back to QSTASH_URL and QSTASH_TOKEN\n",
    );
    const json = await cli(["get", "exists", "--json"], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stderr)).toEqual({ warning: { message: expect.stringContaining("falling back") } });
  });

  it("flags win over every variable, and then nothing is warned about", async () => {
    const env = { QSTASH_REGION: "mars", QSTASH_URL: "http://127.0.0.1:9", QSTASH_TOKEN: "wrong-token-abcdefgh" };
    const result = await cli(["get", "exists", "--url", qstash.url, "--token", TOKEN], env);
    expect(result).toMatchObject({ code: 0, stderr: "" });
  });

  it("a region token is scrubbed from the output like QSTASH_TOKEN", async () => {
    const echo = await startLoopbackServer((request, response) => {
      response.statusCode = 400;
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ error: `bad request with ${request.headers.authorization}` }));
    });
    try {
      const env = { QSTASH_REGION: "US_EAST_1", US_EAST_1_QSTASH_URL: echo.url, US_EAST_1_QSTASH_TOKEN: TOKEN };
      const result = await cli(["pause", "k", "--retries", "0"], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("bad request with Bearer [redacted]");
    } finally {
      await echo.close();
    }
  });
});
