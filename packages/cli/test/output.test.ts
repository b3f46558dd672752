import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlowControl } from "@qstash-flow/flow-control";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import stringWidth from "string-width";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "./support/cli.js";
import { runInProcess, type Terminal } from "./support/in-process.js";
import { type LocalQStash, startLocalQStash, TOKEN } from "./support/qstash.js";

// Keys a server may hold: a 10,000-character one, and ones with invisible or
// direction-changing characters (right-to-left override, line separator, zero-width space).
const LONG = "k".repeat(10_000);
const HOSTILE = ["rtl\u202Eevil", "line\u2028break", "zero\u200Bwidth", "tag\u{E0041}x", "nbsp\u00A0x"];
const key = (flowControlKey: string, fields: object = {}) => ({
  flowControlKey,
  waitListSize: 0,
  parallelismMax: 0,
  rateMax: 0,
  ...fields,
});

let qstash: LocalQStash;
/** Holds the keys above, as a server outside our control might. */
let keys: LoopbackServer;
const outputs: CliResult[] = [];

beforeAll(async () => {
  qstash = await startLocalQStash();
  keys = await startLoopbackServer((request, response) => {
    response.setHeader("content-type", "application/json");
    if (request.rawUrl === "/v2/flowControl") {
      response.end(JSON.stringify([key(LONG, { parallelismMax: 3 }), ...HOSTILE.map((k) => key(k))]));
    } else response.end(JSON.stringify(key(HOSTILE[0] as string)));
  });
});

afterAll(async () => {
  await Promise.all([qstash.close(), keys.close()]);
  for (const { stdout, stderr } of outputs) expect(stdout + stderr).not.toContain(TOKEN);
});

async function cli(args: string[], url: string, terminal: Terminal = {}): Promise<CliResult> {
  const result = await runInProcess(args, { QSTASH_TOKEN: TOKEN, QSTASH_URL: url }, terminal);
  outputs.push(result);
  return result;
}

describe("list on a terminal", () => {
  it("clips wide cells with an ellipsis so that no row is wider than the terminal", async () => {
    const { code, stdout } = await cli(["list"], keys.url, { isTTY: true, columns: 80 });
    expect(code).toBe(0);
    const rows = stdout.split("\n").filter((line) => line.startsWith("k") || line.startsWith("KEY"));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(80);
    expect(rows[1]).toMatch(/^k+… {2}active {2}0 +0\/3 +0\/-$/);
  });

  it("keeps every character in a pipe and under --json", async () => {
    expect((await cli(["list"], keys.url)).stdout).toContain(`${LONG}  active`);
    const json = await cli(["list", "--json"], keys.url, { isTTY: true, columns: 80 });
    expect(JSON.parse(json.stdout)[0].flowControlKey).toBe(LONG);
  });
});

describe("invisible and direction-changing characters", () => {
  it("are escaped in list and get, like control characters", async () => {
    const list = (await cli(["list"], keys.url)).stdout;
    for (const escaped of [
      "rtl\\u202eevil",
      "line\\u2028break",
      "zero\\u200bwidth",
      "tag\\u{e0041}x",
      "nbsp\\u00a0x",
    ]) {
      expect(list).toContain(escaped);
    }
    const get = (await cli(["get", "k"], keys.url)).stdout;
    expect(get).toMatch(/^key +rtl\\u202eevil$/m);
    expect(list + get).not.toMatch(/[\u202E\u2028\u200B\u00A0]|\u{E0041}/u);
  });

  it("are escaped in what pause, resume, reset-rate, pin and unpin say of a single key", async () => {
    const hostile = "w\u202Ertl\u2028line\u200Bzero";
    const shown = "w\\u202ertl\\u2028line\\u200bzero";
    for (const args of [
      ["pause", hostile],
      ["resume", hostile],
      ["reset-rate", hostile],
      ["pin", hostile, "--parallelism", "2"],
      ["unpin", hostile, "--parallelism"],
    ]) {
      const { code, stdout } = await cli(args, qstash.url);
      expect(code, args[0]).toBe(0);
      expect(stdout.startsWith(`"${shown}" `), stdout).toBe(true);
      expect(stdout, args[0]).not.toMatch(/[\u202E\u2028\u200B]/);
    }
    const json = await cli(["pause", hostile, "--json"], qstash.url);
    expect(JSON.parse(json.stdout)).toMatchObject({ key: hostile });
  });

  it("reach scripts unaltered under --json", async () => {
    const listed = JSON.parse((await cli(["list", "--json"], keys.url)).stdout) as { flowControlKey: string }[];
    expect(listed.slice(1).map((k) => k.flowControlKey)).toEqual(HOSTILE);
  });
});

describe('"-" for no limit', () => {
  it("is explained under the table, in get and global, and in --help", async () => {
    await qstash.publish("unlimited", "rate=5, period=1m");
    const list = (await cli(["list"], qstash.url)).stdout;
    expect(list).toMatch(/^unlimited\s+active\s+\d+\s+\d+\/-\s/m);
    expect(list).toMatch(
      /\n\nPARALLELISM is running\/max, RATE is started\/max per period; "-" means no limit is set\.\n$/,
    );
    const get = (await cli(["get", "unlimited"], qstash.url)).stdout;
    expect(get).toMatch(/^parallelism\s+\d+\/- \(running\/max; "-" means no limit is set\)$/m);
    expect(get).toMatch(/^rate\s+\d+\/5 per 1m \(started\/max\)$/m);
    for (const args of [["--help"], ["list", "--help"], ["get", "--help"], ["global", "--help"]]) {
      expect((await runInProcess(args)).stdout.replace(/\s+/g, " ")).toContain(
        'In "2/5" the first number is running (parallelism) or started this period (rate), the second the limit; "-" means no limit is set.',
      );
    }
  });
});

describe("errors under --json: one JSON object on stderr", () => {
  const failure = (result: CliResult) => {
    expect(result.stdout).toBe("");
    expect(result.stderr.endsWith("\n")).toBe(true);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    return JSON.parse(result.stderr) as { error: Record<string, unknown> };
  };

  it("for an API error: name, message, status, operation and key", async () => {
    const result = await cli(["get", "no-such-key", "--json"], qstash.url);
    expect(result.code).toBe(1);
    expect(failure(result)).toEqual({
      error: {
        name: "NotFoundError",
        message: expect.stringContaining('QStash get for key "no-such-key" failed: 404'),
        status: 404,
        operation: "get",
        key: "no-such-key",
      },
    });
  });

  it("for a network error, without a status", async () => {
    const closed = await startLoopbackServer(() => {});
    await closed.close();
    const result = await cli(["pause", "k", "--json", "--retries", "0"], closed.url);
    expect(result.code).toBe(1);
    expect(failure(result).error).toMatchObject({
      name: "ConnectionError",
      message: expect.stringContaining("ECONNREFUSED"),
      status: null,
      operation: "pause",
      key: "k",
    });
  });

  it("for input refused before sending: exit 2, the key named, no help text", async () => {
    const result = await cli(["pause", "..", "--json"], qstash.url);
    expect(result.code).toBe(2);
    expect(failure(result).error).toMatchObject({
      name: "ValidationError",
      status: null,
      operation: "pause",
      key: "..",
    });
  });

  it("for a desired-state file that is invalid or missing, and for apply or a bulk action off a terminal without --yes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qstash-flow-json-"));
    const invalid = join(dir, "invalid.yaml");
    const valid = join(dir, "valid.yaml");
    await writeFile(invalid, "keys:\n  a:\n    paused: yes\n");
    await writeFile(valid, "keys:\n  json/a:\n    paused: true\n");
    await qstash.publish("json/a");
    const refused = async (args: string[]) => {
      const result = await cli([...args, "--json"], qstash.url);
      expect(result.code, result.stderr).toBe(2);
      return failure(result).error;
    };
    expect(await refused(["plan", invalid])).toMatchObject({
      name: "UsageError",
      message: expect.stringContaining(`${invalid}:3:13: paused must be true or false, got "yes"`),
    });
    expect(await refused(["plan", join(dir, "missing.yaml")])).toMatchObject({
      name: "UsageError",
      message: expect.stringContaining(`cannot read ${join(dir, "missing.yaml")}`),
    });
    for (const args of [
      ["apply", valid],
      ["pause", "--prefix", "json/"],
    ]) {
      expect(await refused(args)).toMatchObject({
        name: "UsageError",
        message: expect.stringMatching(/standard input is not a terminal.*--yes/),
      });
    }
    expect(await new FlowControl({ token: TOKEN, baseUrl: qstash.url }).get("json/a")).toMatchObject({
      isPaused: false,
    });
  });

  it("for a wrong command line: a UsageError", async () => {
    for (const args of [
      ["pin", "k", "--rate", "0", "--json"],
      ["pin", "k", "--json"],
      ["list", "--json", "--verbose"],
    ]) {
      const result = await cli(args, qstash.url);
      expect(result.code).toBe(2);
      expect(failure(result).error).toMatchObject({ name: "UsageError", status: null, operation: null, key: null });
    }
  });
});

describe("pin --period", () => {
  it("refuses periods over one week with the API's limit, sending nothing", async () => {
    const before = keys.requests.length;
    for (const period of ["8d", "604801s", "30d"]) {
      const result = await cli(["pin", "k", "--rate", "1", "--period", period], keys.url);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/period must be at most one week \(604800 s\), got \d+ s/);
    }
    expect(keys.requests.length).toBe(before);
    const week = await cli(["pin", "week", "--rate", "1", "--period", "7d", "--json"], qstash.url);
    expect(JSON.parse(week.stdout)).toMatchObject({ pinned: { period: 604_800 } });
  });
});
