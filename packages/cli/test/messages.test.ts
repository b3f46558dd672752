// `cancel`, `dlq list|retry|delete` and doctor's dead letters, against a loopback QStash
// that answers the Messages and DLQ operations with the shapes of upstream's document and
// can be made to fail one key; messages-proof.test.ts runs the same commands against the
// dev server with real deliveries.
import { type MessagesServer, startLoopbackServer, startMessagesServer } from "@qstash-flow/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN } from "./support/cli.js";
import { runInProcess, startInProcess } from "./support/in-process.js";
import { HAS_TMUX, startTerminal } from "./support/tmux.js";

let server: MessagesServer;
const env = () => ({ QSTASH_URL: server.url, QSTASH_TOKEN: server.token });
const cli = (...args: string[]) => runInProcess(args, env());
const sent = () => server.requests.map((r) => `${r.method} ${new URL(r.rawUrl, "http://x").pathname}`);

beforeEach(async () => {
  server = await startMessagesServer();
});
afterEach(() => server.close());

describe("cancel", () => {
  it("cancels every waiting message of one key with --yes, and says how many", async () => {
    server.publish("orders/eu", 1201);
    server.publish("orders/us", 4);
    const result = await cli("cancel", "orders/eu", "--yes");
    expect(result).toMatchObject({ code: 0, stdout: '"orders/eu": 1201 message(s) cancelled.\n', stderr: "" });
    expect(server.messages.map((m) => m.flowControlKey)).toEqual(Array(4).fill("orders/us"));
    const json = await cli("cancel", "orders/us", "--yes", "--json");
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, operation: "cancelMessages", key: "orders/us", cancelled: 4 });
  });

  it("off a terminal without --yes it refuses (exit 2) and sends nothing", async () => {
    server.publish("k", 2);
    const result = await cli("cancel", "k");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pass --yes to go ahead");
    expect(server.requests).toHaveLength(0);
    expect(server.messages).toHaveLength(2);
  });

  it("--prefix lists each key with its waiting count, cancels each, and totals them", async () => {
    server.publish("bulk/a", 3);
    server.publish("bulk/b", 600);
    server.publish("bulkier", 1);
    const result = await cli("cancel", "--prefix", "bulk/", "--yes");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '2 key(s) with the prefix "bulk/":\n  "bulk/a" (3 waiting)\n  "bulk/b" (600 waiting)\n',
    );
    expect(result.stdout).toMatch(/^"bulk\/b" cancelled: 600\.$/m);
    expect(result.stdout).toContain("Done: cancelled 2 of 2 key(s), 0 failed (603 cancelled in all).\n");
    expect(server.messages.map((m) => m.flowControlKey)).toEqual(["bulkier"]);
    expect(sent()[0]).toBe("GET /v2/flowControl");
  });

  it("usage errors exit 2 and send nothing", async () => {
    for (const args of [
      ["cancel"],
      ["cancel", "k", "--prefix", "p"],
      ["cancel", "k", "--concurrency", "2", "--yes"],
      ["cancel", "--prefix", "", "--yes"],
      ["cancel", "a,b", "--yes"],
      ["dlq", "list", "k", "--yes"],
    ]) {
      const result = await cli(...args);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2);
    }
    expect((await cli("cancel", "a,b", "--yes")).stderr).toContain("comma, which the API reads as two keys");
    expect(server.requests).toHaveLength(0);
  });
});

describe("dlq", () => {
  it("list shows one key's dead letters, as the API sent them under --json", async () => {
    server.kill("k", 120);
    server.kill("other", 3);
    const text = await cli("dlq", "list", "k");
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe('120 dead letter(s) of "k":');
    expect(lines[1]).toMatch(/^ {2}dlq_\d+ {2}msg_\d+ {2}500 {2}http:\/\/127\.0\.0\.1:9\/x$/);
    expect(lines).toHaveLength(121);
    const json = JSON.parse((await cli("dlq", "list", "k", "--json")).stdout);
    expect(json).toMatchObject({ ok: true, operation: "listDeadLetters", key: "k" });
    expect(json.messages).toEqual(server.deadLetters.filter((d) => d.flowControlKey === "k"));
  });

  it("list --all counts each key's dead letters", async () => {
    server.kill("b", 2);
    server.kill("a", 1);
    server.kill(undefined, 5);
    const text = await cli("dlq", "list", "--all");
    expect(text.stdout).toBe('2 key(s) with dead letters:\n  "a" (1 dead letters)\n  "b" (2 dead letters)\n');
    const json = JSON.parse((await cli("dlq", "list", "--prefix", "b", "--json")).stdout);
    expect(json).toEqual({
      ok: true,
      operation: "countDeadLetters",
      prefix: "b",
      keys: [{ key: "b", deadLetters: 2 }],
    });
  });

  it("retry and delete one key's dead letters", async () => {
    server.kill("k", 3);
    server.kill("other", 2);
    const retried = await cli("dlq", "retry", "k", "--yes", "--json");
    expect(JSON.parse(retried.stdout)).toEqual({ ok: true, operation: "retryDeadLetters", key: "k", retried: 3 });
    expect(server.messages.map((m) => m.flowControlKey)).toEqual(["k", "k", "k"]);
    const deleted = await cli("dlq", "delete", "other", "--yes");
    expect(deleted).toMatchObject({ code: 0, stdout: '"other": 2 dead letter(s) deleted.\n' });
    expect(server.deadLetters).toEqual([]);
  });

  it("a bulk delete goes on past a failing key, reports each, exits 1", async () => {
    for (const key of ["d/a", "d/b", "d/c"]) server.kill(key, 2);
    server.failKey("d/b", 503);
    const result = await cli("dlq", "delete", "--prefix", "d/", "--yes", "--json");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, operation: "deleteDeadLetters", matched: 3, done: 2, failed: 1 });
    expect(report.deleted).toBe(4);
    expect(report.results.map((r: { key: string; ok: boolean }) => [r.key, r.ok])).toEqual([
      ["d/a", true],
      ["d/b", false],
      ["d/c", true],
    ]);
    // Not retried: the delete may have happened.
    expect(sent().filter((s) => s === "DELETE /v2/dlq")).toHaveLength(3);
  });

  it("sends nothing past the count when no key has dead letters", async () => {
    const result = await cli("dlq", "retry", "--all", "--yes");
    expect(result).toMatchObject({ code: 0, stdout: "No keys: nothing to do.\n" });
    expect(sent()).toEqual(["GET /v2/dlq"]);
  });
});

describe("doctor and dead letters", () => {
  it("warns of each key with dead letters when the DLQ is read within the interval", async () => {
    server.kill("dead/a", 2);
    server.kill("other", 1);
    server.publish("dead/b", 1);
    // A 3 s budget for one page from a loopback server: ample even on a loaded machine.
    const { code, stdout } = await cli("doctor", "--samples", "2", "--interval", "3s", "--prefix", "dead/", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.deadLetters).toEqual({ checked: true });
    expect(report.findings).toEqual([
      {
        key: "dead/a",
        check: "dead-letters",
        severity: "warning",
        message: expect.stringMatching(
          /^2 dead letters: messages that exhausted their retries\. .*dlq retry "dead\/a"/,
        ),
      },
    ]);
  });

  it("says the DLQ was not checked when it does not answer within the interval", async () => {
    const api = await startLoopbackServer((request, response) => {
      if (request.rawUrl.startsWith("/v2/dlq")) return; // never answered
      response.writeHead(200, { "content-type": "application/json" }).end("[]");
    });
    try {
      const result = await runInProcess(["doctor", "--samples", "2", "--interval", "1s"], {
        QSTASH_URL: api.url,
        QSTASH_TOKEN: "t",
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^No findings \(0 keys, 2 samples over \d+s\)\.\nDead letters not checked: .*not read within 1s\.\n$/,
      );
    } finally {
      await api.close();
    }
  });

  it("Ctrl-C while the DLQ is still being read ends doctor as an interruption, nothing left unhandled", async () => {
    let asked!: () => void;
    const dlqAsked = new Promise<void>((resolve) => (asked = resolve));
    const api = await startLoopbackServer((request, response) => {
      if (request.rawUrl.startsWith("/v2/dlq")) return asked(); // never answered
      response.writeHead(200, { "content-type": "application/json" }).end("[]");
    });
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", record);
    try {
      const doctor = startInProcess(["doctor", "--samples", "3", "--interval", "1m"], {
        QSTASH_URL: api.url,
        QSTASH_TOKEN: "t",
      });
      await dlqAsked;
      expect(await doctor.stop()).toBe(130);
      // a rejection nobody handled is reported after the microtasks of the turn that made it
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", record);
      await api.close();
    }
  });
});

describe.skipIf(!HAS_TMUX)("on a terminal", () => {
  it("cancel asks, showing how many messages wait, and cancels on yes", async () => {
    server.publish("tty", 7);
    const term = await startTerminal([process.execPath, BIN, "cancel", "tty"], env());
    try {
      await term.waitForScreen((screen) => /\? .*\(y\/N\)/.test(screen), "the confirmation prompt");
      await term.sendKeys("y", "Enter");
      expect(await term.exitStatus()).toBe(0);
      const screen = await term.captureAll();
      expect(screen).toMatch(/Cancel the messages of "tty" \(7 waiting\)\? Yes/);
      expect(screen).toContain('"tty": 7 message(s) cancelled.');
    } finally {
      await term.close();
    }
    expect(server.messages).toEqual([]);
  });
});
