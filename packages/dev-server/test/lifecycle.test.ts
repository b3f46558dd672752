// close() leaves nothing behind, and the bin starts, serves and stops on a signal.
// The child-process tests run the built package (dist/), as users and the CLI do.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import {
  DEFAULT_CURRENT_SIGNING_KEY,
  DEFAULT_DEV_TOKEN,
  DEFAULT_NEXT_SIGNING_KEY,
  type DevServerEvent,
  startDevServer,
} from "../src/index.ts";
import { eventually, flowControl, publishOk, startSink } from "./helpers.ts";

const DIST = fileURLToPath(new URL("../dist/", import.meta.url));

beforeAll(() => {
  if (!existsSync(`${DIST}bin.js`))
    throw new Error("dist/ is missing: run `pnpm build` (or use `pnpm test`, which builds)");
});

/**
 * Runs `node args`, collecting output; a child that does not exit within `limit` ms is
 * killed and reported. The limit only catches a child that would never exit: a loaded
 * machine can take far longer than a quiet one to start, deliver and close.
 */
async function run(args: string[], limit = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = collect(child);
  const timer = setTimeout(() => child.kill("SIGKILL"), limit);
  const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
  clearTimeout(timer);
  if (signal === "SIGKILL")
    throw new Error(`the child did not exit within ${limit} ms:\n${output.stdout()}${output.stderr()}`);
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

function collect(child: ChildProcess) {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  return { stdout: () => stdout, stderr: () => stderr };
}

describe("close", () => {
  test("aborts deliveries in flight, drops and reports waiting messages, stops listening", async () => {
    const events: DevServerEvent[] = [];
    const server = await startDevServer({ port: 0, log: (event) => events.push(event) });
    const sink = await startSink({ hold: true });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await publishOk(server, sink.url, { key: "c", value: "parallelism=1" }));
    await eventually(() => expect(sink.open).toBe(1));

    await server.close();
    await server.close();
    expect(events).toContainEqual(
      expect.objectContaining({ type: "failed", messageId: ids[0], error: "the dev server closed" }),
    );
    for (const id of ids.slice(1))
      expect(events).toContainEqual(expect.objectContaining({ type: "dropped", messageId: id }));
    await expect(fetch(new URL("/v2/flowControl", server.url))).rejects.toThrow();
    await expect(flowControl(server).list()).rejects.toThrow();
    sink.releaseAll();
    await sink.close();
  });

  test("a process that starts, delivers and closes exits on its own", async () => {
    const script = `
      import { createServer } from "node:http";
      import { startDevServer } from ${JSON.stringify(`${DIST}index.js`)};
      const sink = createServer(() => {}); // never answers
      await new Promise((r) => sink.listen(0, "127.0.0.1", r));
      const server = await startDevServer({ port: 0 });
      const destination = new URL("http://127.0.0.1/hook");
      destination.port = String(sink.address().port);
      const url = new URL(server.url);
      url.pathname = "/v2/publish/" + encodeURIComponent(destination.href);
      const headers = { authorization: "Bearer " + server.token, "upstash-flow-control-key": "k", "upstash-flow-control-value": "rate=1, period=1h" };
      const arrived = new Promise((r) => sink.once("request", r));
      for (let i = 0; i < 3; i++) {
        const response = await fetch(url, { method: "POST", headers, body: "x" });
        if (response.status !== 201) throw new Error("publish " + response.status);
      }
      await arrived;
      await server.close();
      sink.close();
      sink.closeAllConnections();
      console.log("closed");
    `;
    const result = await run(["--input-type=module", "-e", script]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("closed");
    expect(result.code).toBe(0);
  });
});

/** Starts the bin with `args`, waits for its banner and returns its URL with the child and its output. */
async function startBin(args: string[]) {
  const child = spawn(process.execPath, [`${DIST}bin.js`, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const output = collect(child);
  try {
    const url = await eventually(() => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout());
      if (!match) throw new Error(`no banner yet: ${output.stdout()}${output.stderr()}`);
      return match[1] as string;
    });
    return { child, output, url };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
}

describe("the bin", () => {
  test("prints the four environment lines, serves, and exits 0 on SIGTERM", async () => {
    const { child, output, url } = await startBin(["--port", "0", "--quiet"]);
    try {
      expect(output.stdout()).toContain(`QSTASH_URL=${url}\n`);
      expect(output.stdout()).toContain(`QSTASH_TOKEN=${DEFAULT_DEV_TOKEN}\n`);
      expect(output.stdout()).toContain(`QSTASH_CURRENT_SIGNING_KEY=${DEFAULT_CURRENT_SIGNING_KEY}\n`);
      expect(output.stdout()).toContain(`QSTASH_NEXT_SIGNING_KEY=${DEFAULT_NEXT_SIGNING_KEY}\n`);
      expect(output.stderr()).toBe("");
      const response = await fetch(new URL("/v2/flowControl", url), {
        headers: { authorization: `Bearer ${DEFAULT_DEV_TOKEN}` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([]);
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  test.each([
    [["--port", "abc"], /--port: must be a whole number >= 0, got "abc"/],
    [["--port", "70000"], /port: must be at most 65535, got 70000/],
    [["--allow-destination", "https://x.test/"], /allowedDestinations/],
    [["--frobnicate"], /Unknown option/],
    [["--port", "0", "--port", "5"], /--port: is given twice/],
    [["-p", "0", "--port=5"], /--port: is given twice/],
    [["--quiet", "-q"], /--quiet: is given twice/],
    [["--max-keys", "many"], /--max-keys: must be a whole number/],
    [["--max-keys", "0"], /maxKeys: must be a positive integer, got 0/],
    [["--max-body-bytes=1.5"], /--max-body-bytes: must be a whole number/],
    [["--token", "tök€n"], /token: must be a non-empty string of visible ASCII/],
    [["--current-signing-key", "sig key"], /currentSigningKey: must be a non-empty string of visible ASCII/],
    // Refused before anything listens: nothing binds beyond loopback in this test.
    [["--host", "0.0.0.0"], /0\.0\.0\.0, beyond loopback, needs a token of your own/],
    [["--host", "::", "--token", DEFAULT_DEV_TOKEN], /needs a token of your own/],
  ])("refuses %j with exit code 2 and the usage", async (args, message) => {
    const result = await run([`${DIST}bin.js`, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("Usage: qstash-flow-dev-server");
  });

  test("a port in use: exit code 1, the port named and how to pick another, no usage", async () => {
    const taken = await startDevServer({ port: 0 });
    try {
      const result = await run([`${DIST}bin.js`, "--port", String(taken.port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `qstash-flow-dev-server: port ${taken.port} is in use; pick another port with --port, or port 0 for any free one\n`,
      );
    } finally {
      await taken.close();
    }
  });

  test("--help prints the usage and exits 0", async () => {
    const result = await run([`${DIST}bin.js`, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--allow-destination");
    expect(result.stdout).toMatch(/--max-keys <n> +\S/);
    expect(result.stdout).toMatch(/--max-body-bytes <n> +\S/);
  });

  test("--token and the signing-key flags override the defaults", async () => {
    const { child, output, url } = await startBin([
      "--port",
      "0",
      "--quiet",
      "--token",
      "my-token",
      "--current-signing-key",
      "sig_current",
      "--next-signing-key",
      "sig_next",
    ]);
    try {
      expect(output.stdout()).toMatch(
        /QSTASH_TOKEN=my-token\n.*QSTASH_CURRENT_SIGNING_KEY=sig_current\n.*QSTASH_NEXT_SIGNING_KEY=sig_next\n/s,
      );
      const list = (token: string) =>
        fetch(new URL("/v2/flowControl", url), { headers: { authorization: `Bearer ${token}` } });
      expect((await list("my-token")).status).toBe(200);
      expect((await list(DEFAULT_DEV_TOKEN)).status).toBe(401);
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
  });

  test("--max-keys and --max-body-bytes set the server's limits", async () => {
    const { child, url } = await startBin(["--port", "0", "--quiet", "--max-keys", "1", "--max-body-bytes", "4"]);
    const sink = await startSink();
    try {
      const headers = { authorization: `Bearer ${DEFAULT_DEV_TOKEN}` };
      const pause = (key: string) => fetch(new URL(`/v2/flowControl/${key}/pause`, url), { method: "POST", headers });
      expect((await pause("first")).status).toBe(200);
      const refused = await pause("second");
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: string }).error).toContain("maxKeys");

      const publish = new URL(url);
      publish.pathname = `/v2/publish/${encodeURIComponent(sink.url)}`;
      const large = await fetch(publish, { method: "POST", headers, body: "12345" });
      expect(large.status).toBe(413);
      expect(((await large.json()) as { error: string }).error).toContain("maxBodyBytes");
      expect((await fetch(publish, { method: "POST", headers, body: "1234" })).status).toBe(201);
      await eventually(() => expect(sink.bodies()).toEqual(["1234"]));
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, "exit");
        child.kill("SIGTERM");
        await exited;
      }
      await sink.close();
    }
  });
});
