import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startCorsProxy } from "../src/cors-proxy.ts";
import "./context.ts";
import { smokeKey } from "./smoke.ts";

const { consumerDir, api } = inject("e2e");

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function chromiumPath(): string {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("no chromium on PATH: install Debian's package (apt-get install -y chromium); CI does");
  }
}

describe(`the wrapper in headless Chromium against the ${api.kind}, across origins`, () => {
  let page: LoopbackServer;
  let proxy: LoopbackServer;
  let browser: Browser;

  beforeAll(async () => {
    // Bundled from the package the consumer installed from the registry, for browsers.
    const bundle = await build({
      entryPoints: [join(consumerDir, "browser.mjs")],
      absWorkingDir: consumerDir,
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      logLevel: "silent",
    });
    const script = bundle.outputFiles[0]?.text ?? "";
    page = await startLoopbackServer((request, response) => {
      if (request.rawUrl === "/app.js") {
        response.writeHead(200, { "content-type": "text/javascript" });
        response.end(script);
        return;
      }
      response.writeHead(200, { "content-type": "text/html" });
      response.end('<!doctype html><title>qstash-flow</title><script type="module" src="/app.js"></script>');
    });
    proxy = await startCorsProxy(api.url);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await page?.close();
  });

  it("pauses a key, reads it back, and gets NotFoundError for a missing one", async () => {
    const key = smokeKey("browser");
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on("pageerror", (error) => errors.push(error.message));
    const settings = encodeURIComponent(JSON.stringify({ baseUrl: proxy.url, token: api.token, key }));
    await tab.goto(new URL(`/#${settings}`, page.url).href);
    await tab.waitForFunction(() => "smoke" in window, undefined, { timeout: 180_000 });
    const outcome = await tab.evaluate(() => (window as unknown as { smoke: unknown }).smoke);

    expect(errors).toEqual([]);
    expect(outcome).toEqual({
      ok: true,
      result: { key, paused: true, missing: { notFound: true, status: 404 } },
    });
    // The calls really crossed origins: the browser asked the proxy's permission first.
    const preflights = proxy.requests.filter((request) => request.method === "OPTIONS");
    expect(preflights.length).toBeGreaterThan(0);
    expect(preflights[0]?.headers.origin).toBe(new URL(page.url).origin);
  });
});
