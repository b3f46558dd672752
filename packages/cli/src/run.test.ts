import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIO } from "./internal/io.js";
import { run } from "./run.js";

const TOKEN = "unit-test-token-8c1d2e";
/** Where every run points: a usage error must never reach it. */
let quiet: LoopbackServer;

beforeAll(async () => {
  quiet = await startLoopbackServer((_, response) => {
    response.statusCode = 500;
    response.end();
  });
});

afterAll(async () => {
  await quiet.close();
});

async function cli(args: string[], env: Record<string, string> = { QSTASH_TOKEN: TOKEN, QSTASH_URL: quiet.url }) {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  };
  const code = await run(args, io);
  expect(stdout + stderr).not.toContain(TOKEN);
  return { code, stdout, stderr };
}

const COMMANDS = ["list", "get", "pause", "resume", "pin", "unpin", "reset-rate", "global", "watch", "dev"];

describe("help", () => {
  it.each(COMMANDS)("is there for %s, exit 0, defaults named but never shown", async (command) => {
    const result = await cli([command, "--help"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(new RegExp(`^Usage: qstash-flow ${command} `));
    if (command !== "dev") expect(result.stdout).toMatch(/--token <token>\s+QStash token \(default: \$QSTASH_TOKEN\)/);
  });

  it("lists every command at the top level, also via `help`", async () => {
    for (const args of [["--help"], ["help"]]) {
      const result = await cli(args);
      expect(result.code).toBe(0);
      for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
  });

  it("prints the version", async () => {
    expect((await cli(["--version"])).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("usage errors: exit 2, the error and one line naming the relevant help, nothing sent", () => {
  const cases: [string, string[], RegExp, string][] = [
    ["no command", [], /Usage: qstash-flow \[options\] \[command\]/, ""],
    ["an unknown command", ["frobnicate"], /unknown command 'frobnicate'/, ""],
    ["an unknown option", ["list", "--verbose"], /unknown option '--verbose'/, "list"],
    ["a missing argument", ["pause"], /missing required argument 'key'/, "pause"],
    ["too many arguments", ["get", "a", "b"], /too many arguments/, "get"],
    ["a word for a number", ["pin", "k", "--parallelism", "two"], /'two' is invalid.*positive whole number/, "pin"],
    ["a zero", ["pin", "k", "--rate", "0"], /'0' is invalid/, "pin"],
    ["a fraction", ["pin", "k", "--rate", "1.5"], /'1.5' is invalid/, "pin"],
    ["hex", ["pin", "k", "--rate", "0x10"], /'0x10' is invalid/, "pin"],
    ["a bad period", ["pin", "k", "--period", "30x"], /'30x' is invalid.*duration/, "pin"],
    ["a zero period", ["pin", "k", "--period", "0s"], /'0s' is invalid/, "pin"],
    ["a limit given twice", ["pin", "k", "--rate", "2", "--rate", "3"], /'3' is invalid.*given twice/, "pin"],
    ["pin without values", ["pin", "k"], /pin needs --parallelism, --rate or --period/, "pin"],
    ["unpin without flags", ["unpin", "k"], /unpin needs --parallelism, --rate or both/, "unpin"],
    ["a dot-segment key", ["pause", ".."], /QStash pause for key "\.\." failed: .*dot-segment/, "pause"],
    ["an encoded dot-segment", ["resume", "%2e"], /QStash resume for key "%2e" failed: .*dot-segment/, "resume"],
    ["an empty key", ["get", ""], /QStash get for key "" failed: the key must not be empty/, "get"],
    ["a key with a control character", ["reset-rate", "a\u0007b"], /control characters/, "reset-rate"],
    [
      "both --url and --region",
      ["list", "--url", "http://127.0.0.1:9", "--region", "us-east-1"],
      /cannot be used/,
      "list",
    ],
    ["an unknown region", ["global", "--region", "mars-1"], /region must be one of eu-central-1, us-east-1/, "global"],
    [
      "a URL that is not http",
      ["list", "--url", "ftp://example.test"],
      /baseUrl must be an absolute http\(s\) URL without query, fragment or credentials/,
      "list",
    ],
    ["an empty --url", ["list", "--url", ""], /baseUrl must be an absolute http\(s\) URL/, "list"],
    [
      "a URL with credentials, which are not echoed",
      ["list", "--url", "http://user:pw-5f3a@127.0.0.1:9"],
      /^error: baseUrl must be an absolute http\(s\) URL without query, fragment or credentials\n(?![\s\S]*pw-5f3a)/,
      "list",
    ],
    ["a short watch interval", ["watch", "k", "--interval", "5ms"], /from 100ms to 2147483647ms/, "watch"],
    [
      "a watch interval no timer can wait",
      ["watch", "k", "--interval", "3000000000ms"],
      /from 100ms to 2147483647ms/,
      "watch",
    ],
    ["a port out of range", ["dev", "--port", "70000"], /port number from 0 to 65535/, "dev"],
    // One unit rule: a bare number means no unit, in every command, so it is refused with the forms.
    ...(
      [
        ["watch", ["watch", "k", "--interval", "500"], "500"],
        ["metrics", ["metrics", "--interval", "15"], "15"],
        ["doctor", ["doctor", "--interval", "5"], "5"],
        ["list", ["list", "--timeout", "10"], "10"],
      ] as const
    ).map(([command, args, value]): [string, string[], RegExp, string] => [
      `a bare number for a ${command} duration`,
      [...args],
      new RegExp(
        `'${value}' is invalid.*a bare number has no unit: expected a duration such as "500ms", "10s", "2m", "1h"`,
      ),
      command,
    ]),
    [
      "a bare number for a period",
      ["pin", "k", "--rate", "1", "--period", "60"],
      /'60' is invalid.*a bare number has no unit: expected a duration such as "10s", "2m", "1h", "1d", at most 7d/,
      "pin",
    ],
  ];

  it.each(cases)("for %s", async (_, args, message, command) => {
    const result = await cli(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    if (command === "" && args.length === 0) {
      // No command at all: the help is the answer, not an error message.
      expect(result.stderr).toMatch(/^Usage: qstash-flow \[options\] \[command\]/);
    } else {
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines.at(-1)).toBe(`Run "qstash-flow ${command ? `${command} ` : ""}--help" for usage.`);
      expect(lines.slice(0, -1).join("\n")).toMatch(/^error: /);
      expect(result.stderr).not.toContain("Usage:");
      expect(lines.length).toBeLessThanOrEqual(2);
    }
    expect(quiet.requests).toEqual([]);
  });

  it("under --json: the JSON failure alone, no pointer to the help", async () => {
    const result = await cli(["pin", "k", "--rate", "0", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { name: "UsageError" } });
  });

  it("for a missing token, from neither flag nor environment", async () => {
    for (const env of [{ QSTASH_URL: quiet.url }, { QSTASH_URL: quiet.url, QSTASH_TOKEN: "  " }]) {
      const result = await cli(["list"], env);
      expect(result).toMatchObject({ code: 2, stdout: "" });
      expect(result.stderr).toBe(
        "error: no QStash token: pass --token or set QSTASH_TOKEN " +
          "(`qstash-flow dev` starts a local QStash and prints a working one)\n" +
          'Run "qstash-flow list --help" for usage.\n',
      );
    }
    expect(quiet.requests).toEqual([]);
  });
});

describe("interruption", () => {
  it("cancels a call in flight on the signal: exit 130, nothing on stdout", async () => {
    const controller = new AbortController();
    const hanging = await startLoopbackServer(() => {
      // Never answers: only the signal can end the call.
      controller.abort();
    });
    try {
      let stdout = "";
      let stderr = "";
      const code = await run(["pause", "k"], {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env: { QSTASH_TOKEN: TOKEN, QSTASH_URL: hanging.url },
        signal: controller.signal,
      });
      expect({ code, stdout, stderr }).toEqual({ code: 130, stdout: "", stderr: "interrupted\n" });
      expect(hanging.requests).toHaveLength(1);
    } finally {
      await hanging.close();
    }
  });
});
