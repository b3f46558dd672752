import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "./support/cli.js";
import { type FakeQStash, publish, startFakeQStash } from "./support/fake-qstash.js";

let server: FakeQStash;
/** Answers every request with 500 and the Authorization header it got, as a careless proxy might. */
let echo: LoopbackServer;
/** Where usage-error runs point: it must never see a request. */
let quiet: LoopbackServer;
const TOKEN = "fake-token-0123456789";
const outputs: CliResult[] = [];

async function cli(args: string[], env: Record<string, string> = { QSTASH_TOKEN: TOKEN }): Promise<CliResult> {
  const result = await runCli(args, { QSTASH_URL: server.url, ...env });
  outputs.push(result);
  return result;
}

beforeAll(async () => {
  server = await startFakeQStash(TOKEN);
  await publish(server.url, TOKEN, "exists", "http://127.0.0.1:9/sink");
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
  await Promise.all([server.close(), echo.close(), quiet.close()]);
  expect(outputs.length).toBeGreaterThan(15);
  for (const { stdout, stderr } of outputs) expect(stdout + stderr).not.toContain(TOKEN);
});

describe.concurrent("exit 1: the API or the network failed", () => {
  it("names the operation and the key when the key does not exist", async () => {
    const result = await cli(["get", "no-such-key"]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain('QStash get for key "no-such-key" failed: 404 flow control key not found');
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

describe.concurrent("exit 2: usage errors, with help, and nothing sent", () => {
  const cases: [string, string[], RegExp][] = [
    ["an unknown command", ["frobnicate"], /unknown command 'frobnicate'/],
    ["an unknown option", ["list", "--verbose"], /unknown option '--verbose'/],
    ["a missing argument", ["pause"], /missing required argument 'key'/],
    ["a number that is not one", ["pin", "exists", "--parallelism", "two"], /'two' is invalid.*positive whole number/],
    ["a zero", ["pin", "exists", "--rate", "0"], /'0' is invalid/],
    ["a fraction", ["pin", "exists", "--rate", "1.5"], /'1.5' is invalid/],
    ["a bad period", ["pin", "exists", "--period", "30x"], /'30x' is invalid.*duration/],
    ["pin without values", ["pin", "exists"], /pin needs --parallelism, --rate or --period/],
    ["unpin without flags", ["unpin", "exists"], /unpin needs --parallelism, --rate or both/],
    ["a dot-segment key", ["pause", ".."], /QStash pause for key "\.\." failed: .*dot-segment/],
    ["an empty key", ["get", ""], /QStash get for key "" failed: the key must not be empty/],
    [
      "both --url and --region",
      ["list", "--url", "http://127.0.0.1:9", "--region", "us-east-1"],
      /cannot be used with/,
    ],
    ["an unknown region", ["list", "--region", "mars-1"], /region must be one of eu-central-1, us-east-1/],
    ["a bad URL", ["list", "--url", "ftp://example.test"], /baseUrl must be an http\(s\) URL/],
    ["a watch interval below the minimum", ["watch", "exists", "--interval", "5"], /at least 100/],
  ];

  it.each(cases)("for %s", async (_, args, message) => {
    const result = await cli(args, { QSTASH_TOKEN: TOKEN, QSTASH_URL: quiet.url });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("Usage: qstash-flow");
    expect(quiet.requests).toEqual([]);
  });

  it("for a missing token, from neither flag nor environment", async () => {
    const result = await cli(["list"], { QSTASH_URL: quiet.url });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(quiet.requests).toEqual([]);
    expect(result.stderr).toContain("no QStash token: pass --token or set QSTASH_TOKEN");
    expect(result.stderr).toContain("Usage: qstash-flow list");
  });
});

describe.concurrent("help and configuration", () => {
  const commands = ["list", "get", "pause", "resume", "pin", "unpin", "reset-rate", "global", "watch", "dev"];

  it.each(commands)("prints help for %s, without the token from the environment", async (command) => {
    const result = await cli([command, "--help"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(new RegExp(`^Usage: qstash-flow ${command} `));
  });

  it("lists every command in the top-level help", async () => {
    const result = await cli(["--help"]);
    expect(result.code).toBe(0);
    for (const command of commands) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
  });

  it("takes --url and --token over the environment", async () => {
    const env = { QSTASH_TOKEN: "wrong-token-abcdefgh", QSTASH_URL: "http://127.0.0.1:9" };
    const result = await cli(["get", "exists", "--json", "--url", server.url, "--token", TOKEN], env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ flowControlKey: "exists" });
  });
});
