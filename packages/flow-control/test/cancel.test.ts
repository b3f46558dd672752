// With the global fetch (no `fetch` option) the client relies on fetch honouring its
// signal. Against a real server on 127.0.0.1: a timeout or an abort must end the call
// with its typed error AND cancel the request itself, so no socket stays busy waiting
// for an answer nobody will read.
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { afterEach, expect, test } from "vitest";
import { AbortError, FlowControl, TimeoutError } from "../src/index.ts";

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that never answers, or sends the headers and then stalls the body; it reports each request's connection closing. */
async function stalling(mode: "silent" | "half-body") {
  const closed: string[] = [];
  server = await startLoopbackServer((request, response, raw) => {
    raw.socket.once("close", () => closed.push(request.rawUrl));
    if (mode === "half-body") {
      response.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      response.write('{"flowControlKey":');
    }
  });
  return { url: server.url, closed };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
};

test("a timeout rejects with TimeoutError and closes the request's connection", async () => {
  const { url, closed } = await stalling("silent");
  const flow = new FlowControl({ token: "t", baseUrl: url, maxRetries: 0, timeout: 150 });
  const started = Date.now();
  const error = await flow.pause("slow").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TimeoutError);
  expect((error as TimeoutError).message).toBe(
    'QStash pause for key "slow" failed: no response within 150 ms (1 attempt)',
  );
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(await until(() => closed.includes("/v2/flowControl/slow/pause"))).toBe(true);
});

test("the timeout covers the body: a body that stalls halfway is a TimeoutError too", async () => {
  const { url, closed } = await stalling("half-body");
  const flow = new FlowControl({ token: "t", baseUrl: url, maxRetries: 0, timeout: 150 });
  const error = await flow.get("half").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TimeoutError);
  expect(await until(() => closed.includes("/v2/flowControl/half"))).toBe(true);
});

test("the caller's signal rejects with AbortError at once and closes the request's connection", async () => {
  const { url, closed } = await stalling("silent");
  const flow = new FlowControl({ token: "t", baseUrl: url, timeout: 60_000 });
  const controller = new AbortController();
  const pending = flow.resume("stuck", { signal: controller.signal }).catch((e: unknown) => e);
  await until(() => (server?.requests.length ?? 0) > 0);
  controller.abort(new Error("operator cancelled"));
  const error = await pending;
  expect(error).toBeInstanceOf(AbortError);
  expect((error as AbortError).cause).toEqual(new Error("operator cancelled"));
  expect(await until(() => closed.includes("/v2/flowControl/stuck/resume"))).toBe(true);
  expect(server?.requests).toHaveLength(1);
});
