import { createServer } from "node:net";
import {
  DEFAULT_CURRENT_SIGNING_KEY,
  DEFAULT_DEV_TOKEN,
  DEFAULT_NEXT_SIGNING_KEY,
  DEFAULT_PORT,
} from "@qstash-flow/dev-server";
import { publishMessage, startLoopbackServer } from "@qstash-flow/test-utils";
import { describe, expect, it } from "vitest";
import { runCli, startCli } from "./support/cli.js";

describe("dev", () => {
  it("serves flow control and publish until SIGTERM, then shuts down and frees the port", async () => {
    const sink = await startLoopbackServer((_, response) => {
      response.end("ok");
    });
    const dev = startCli(["dev", "--port", "0", "--json"]);
    try {
      const [line] = await dev.waitFor(/^.*\n/);
      const { url, token, ...keys } = JSON.parse(line) as { url: string; token: string };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // Upstream's documented local credentials, the dev server's defaults.
      expect(token).toBe(DEFAULT_DEV_TOKEN);
      expect(keys).toEqual({
        currentSigningKey: DEFAULT_CURRENT_SIGNING_KEY,
        nextSigningKey: DEFAULT_NEXT_SIGNING_KEY,
      });
      const env = { QSTASH_URL: url, QSTASH_TOKEN: token };

      expect((await runCli(["pause", "dev-key"], env)).code).toBe(0);
      const destination = new URL("/hook", sink.url);
      const published = await publishMessage({ url, token, destination, key: "dev-key", body: "hi" });
      expect(published.status).toBe(201);
      expect(JSON.parse((await runCli(["get", "dev-key", "--json"], env)).stdout)).toMatchObject({ waitListSize: 1 });
      expect((await runCli(["resume", "dev-key"], env)).code).toBe(0);
      await dev.waitFor(/"type":"delivered"/);
      expect(sink.requests.map((request) => request.body)).toEqual(["hi"]);

      dev.child.kill("SIGTERM");
      expect(await dev.exited).toBe(0);
      const refused = await runCli(["list", "--url", url, "--token", token]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/ECONNREFUSED/);
    } finally {
      dev.child.kill();
      await sink.close();
    }
  });

  it("prints the URL and token for people, and stops on Ctrl-C (SIGINT)", async () => {
    const dev = startCli(["dev", "--port", "0"]);
    await dev.waitFor(/Ctrl-C stops\.\n/);
    const { stdout } = dev.output();
    const [, url] = stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/) as RegExpMatchArray;
    expect(stdout).toContain(
      `  export QSTASH_URL=${url}\n  export QSTASH_TOKEN=${DEFAULT_DEV_TOKEN}\n` +
        `  export QSTASH_CURRENT_SIGNING_KEY=${DEFAULT_CURRENT_SIGNING_KEY}\n` +
        `  export QSTASH_NEXT_SIGNING_KEY=${DEFAULT_NEXT_SIGNING_KEY}\n`,
    );
    dev.child.kill("SIGINT");
    expect(await dev.exited).toBe(0);
    expect(dev.output().stdout).toMatch(/dev server stopped\n$/);
  });

  it("prints each attempt, the retry with its delay, and the dead message", async () => {
    const failing = await startLoopbackServer((_, response) => {
      response.statusCode = 500;
      response.end("down");
    });
    const dev = startCli(["dev", "--port", "0"]);
    try {
      await dev.waitFor(/Ctrl-C stops\.\n/);
      const [, url = ""] = dev.output().stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/) as RegExpMatchArray;
      const destination = new URL("/hook", failing.url).href;
      const { messageId } = await publishMessage({
        url,
        token: DEFAULT_DEV_TOKEN,
        destination,
        headers: { "upstash-retries": "1" },
        body: "hi",
      });
      await dev.waitFor(new RegExp(`dead ${messageId} -> ${destination} after 1 retries, last answer 500`));
      const { stdout } = dev.output();
      expect(stdout).toContain(`attempt ${messageId} -> ${destination} retried=0: 500`);
      expect(stdout).toMatch(new RegExp(`retrying ${messageId} -> ${destination} in 12 ms \\(QStash: 12182 ms\\)`));
      expect(stdout).toContain(`attempt ${messageId} -> ${destination} retried=1: 500`);
    } finally {
      dev.child.kill();
      await failing.close();
    }
  });

  it("--help shows the dev server's default port", async () => {
    const result = await runCli(["dev", "--help"]);
    expect(result.stdout).toMatch(new RegExp(`--port <n>.*\\(default: ${DEFAULT_PORT}\\)`));
  });

  it("exits 1 with a clear message when the port is taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      const result = await runCli(["dev", "--port", String(port)]);
      expect(result).toMatchObject({ code: 1, stdout: "" });
      expect(result.stderr).toContain(`error: port ${port} is in use`);
    } finally {
      taken.close();
    }
  });
});
