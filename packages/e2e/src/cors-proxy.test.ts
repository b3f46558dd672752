import { startLoopbackServer } from "@qstash-flow/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { startCorsProxy } from "./cors-proxy.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function proxied() {
  const upstream = await startLoopbackServer((request, response) => {
    response.writeHead(201, { "content-type": "application/json", "x-request-id": "r-1" });
    response.end(JSON.stringify({ method: request.method, target: request.rawUrl, body: request.body }));
  });
  const proxy = await startCorsProxy(upstream.url);
  closers.push(upstream.close, proxy.close);
  return { upstream, proxy };
}

describe("the CORS proxy", () => {
  it("answers a preflight itself, allowing the Authorization header", async () => {
    const { upstream, proxy } = await proxied();
    const response = await fetch(proxy.url, { method: "OPTIONS", headers: { origin: "http://127.0.0.1:1" } });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(upstream.requests).toEqual([]);
  });

  it("forwards method, raw target, headers and body, and adds CORS headers to the answer", async () => {
    const { upstream, proxy } = await proxied();
    const target = "/v2/flowControl/a%20b%2Fc/pin?parallelism=2";
    const response = await fetch(new URL(target, proxy.url), {
      method: "POST",
      headers: { authorization: "Bearer t", origin: "http://127.0.0.1:1" },
      body: "x",
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ method: "POST", target, body: "x" });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("x-request-id")).toBe("r-1");
    expect(upstream.requests[0]?.headers.authorization).toBe("Bearer t");
    expect(upstream.requests[0]?.headers.origin).toBeUndefined();
  });
});
