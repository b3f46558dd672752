import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "./support/cli.js";
import { runInProcess } from "./support/in-process.js";
import { type LocalQStash, startLocalQStash, TOKEN } from "./support/qstash.js";

let qstash: LocalQStash;
/** Answers every request with 500 and the Authorization header it got, as a careless proxy might. */
let echo: LoopbackServer;
/** Where usage-error runs point: it must never see a request. */
let quiet: LoopbackServer;
const outputs: CliResult[] = [];

/** The CLI in-process; `bin` runs the built bin instead, where the process boundary is under test. */
async function cli(args: string[], env: Record<string, string> = { QSTASH_TOKEN: TOKEN }): Promise<CliResult> {
  const result = await runInProcess(args, { QSTASH_URL: qstash.url, ...env });
  outputs.push(result);
  return result;
}

async function bin(args: string[], env: Record<string, string>): Promise<CliResult> {
  const result = await runCli(args, { QSTASH_URL: qstash.url, ...env });
  outputs.push(result);
  return result;
}

beforeAll(async () => {
  qstash = await startLocalQStash();
  await qstash.publish("exists");
  quiet = await startLoopbackServer((_, response) => {
    response.statusCode = 500;
    response.end();
  });
  echo = await startLoopbackServer((request, response) => {
    response.statusCode = 400;
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ error: `bad request with ${request.headers.authorization}` }));
  });
});

afterAll(async () => {
  await Promise.all([qstash.close(), echo.close(), quiet.close()]);
  expect(outputs.length).toBeGreaterThan(8);
  for (const { stdout, stderr } of outputs) expect(stdout + stderr).not.toContain(TOKEN);
});

describe.concurrent("exit 1: the API or the network failed", () => {
  it("from the bin too, with the message on stderr", async () => {
    const result = await bin(["get", "no-such-key"], { QSTASH_TOKEN: TOKEN });
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain('QStash get for key "no-such-key" failed: 404');
  });

  it("names the operation and the key when the key does not exist", async () => {
    const result = await cli(["get", "no-such-key"]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain('QStash get for key "no-such-key" failed: 404 no flow-control key "no-such-key"');
  });

  it("escapes control characters in what the server said, so they cannot drive the terminal", async () => {
    const hostile = await startLoopbackServer((_, response) => {
      response.statusCode = 404;
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({ error: "no such key\u001b[2J\u001b[H\u001b[31mFAKE: all keys deleted\u001b[0m\u0007" }),
      );
    });
    try {
      const result = await cli(["pause", "k", "--url", hostile.url]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("404 no such key\\u001b[2J\\u001b[H\\u001b[31mFAKE");
      expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    } finally {
      await hostile.close();
    }
  });

  it("says the token was refused, without showing it", async () => {
    const result = await cli(["pause", "exists"], { QSTASH_TOKEN: "wrong-token-abcdefgh" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/QStash pause for key "exists" failed: 401/);
    expect(result.stderr).toContain("hint: check the token");
    expect(result.stderr).not.toContain("wrong-token-abcdefgh");
  });

  it("reports a refused connection with its cause", async () => {
    const closed = await startLoopbackServer(() => {});
    await closed.close();
    const result = await cli(["list", "--url", closed.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/QStash list failed: connection failed after 3 attempts: .*ECONNREFUSED/);
  });

  it("never prints the token, even when the server echoes it", async () => {
    const result = await cli(["resume", "exists", "--url", echo.url, "--token", TOKEN], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("bad request with Bearer");
    expect(result.stderr).not.toContain(TOKEN);
  });
});

// Every usage error is covered in-process (src/run.test.ts); these prove the bin maps them to exit 2.
describe.concurrent("exit 2 from the bin: usage errors, with a pointer to help, nothing sent", () => {
  const cases: [string, string[], RegExp][] = [
    ["an unknown command", ["frobnicate"], /unknown command 'frobnicate'/],
    ["a number that is not one", ["pin", "exists", "--parallelism", "two"], /'two' is invalid/],
    ["a dot-segment key", ["pause", ".."], /QStash pause for key "\.\." failed: .*dot-segment/],
  ];

  it.each(cases)("for %s", async (_, args, message) => {
    const result = await bin(args, { QSTASH_TOKEN: TOKEN, QSTASH_URL: quiet.url });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/\nRun "qstash-flow( \S+)? --help" for usage\.\n$/);
    expect(result.stderr).not.toContain("Usage:");
    expect(quiet.requests).toEqual([]);
  });

  it("for a missing token", async () => {
    const result = await bin(["list"], { QSTASH_URL: quiet.url });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain("no QStash token: pass --token or set QSTASH_TOKEN");
    expect(result.stderr).toContain("`qstash-flow dev` starts a local QStash and prints a working one");
    expect(quiet.requests).toEqual([]);
  });
});

describe.concurrent("help and configuration", () => {
  it("prints help with exit 0, without the token from the environment", async () => {
    for (const args of [["--help"], ["watch", "--help"]]) {
      const result = await cli(args);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout).toMatch(/^Usage: qstash-flow /);
    }
  });

  it("takes --url and --token over the environment", async () => {
    const env = { QSTASH_TOKEN: "wrong-token-abcdefgh", QSTASH_URL: "http://127.0.0.1:9" };
    const result = await cli(["get", "exists", "--json", "--url", qstash.url, "--token", TOKEN], env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ flowControlKey: "exists" });
  });
});
