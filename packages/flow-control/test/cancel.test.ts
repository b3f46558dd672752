// With no `fetch` option, Node sends over node:http. Against a real server on 127.0.0.1:
// a timeout or an abort must end the call with its typed error AND cancel the request
// itself, so no socket stays busy waiting for an answer nobody will read. Nothing here
// depends on how fast the machine is: each test waits for the events it checks.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type LoopbackServer, startLoopbackServer, waitUntil } from "@qstash-flow/test-utils";
import { afterEach, expect, test } from "vitest";
import { AbortError, FlowControl, TimeoutError } from "../src/index.ts";

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that never answers, or sends the headers and then stalls the body. */
async function stalling(mode: "silent" | "half-body") {
  server = await startLoopbackServer((_request, response) => {
    if (mode === "half-body") {
      response.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      response.write('{"flowControlKey":');
    }
  });
  return server;
}

test("a timeout rejects with TimeoutError and closes the request's connection", async () => {
  const { url, unansweredConnections } = await stalling("silent");
  const flow = new FlowControl({ token: "t", baseUrl: url, maxRetries: 0, timeout: 150 });
  const error = await flow.pause("slow").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TimeoutError);
  expect((error as TimeoutError).message).toBe(
    'QStash pause for key "slow" failed: no response within 150 ms (1 attempt)',
  );
  // The request may not have reached the server in 150 ms; either way its connection must go.
  await waitUntil(() => unansweredConnections() === 0, "every request's connection to close");
});

test("the timeout covers the body: a body that stalls halfway is a TimeoutError too", async () => {
  const { url, unansweredConnections } = await stalling("half-body");
  const flow = new FlowControl({ token: "t", baseUrl: url, maxRetries: 0, timeout: 150 });
  const error = await flow.get("half").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TimeoutError);
  await waitUntil(() => unansweredConnections() === 0, "every request's connection to close");
});

test("the caller's signal rejects with AbortError at once and closes the request's connection", async () => {
  const { url, unansweredConnections } = await stalling("silent");
  const flow = new FlowControl({ token: "t", baseUrl: url, timeout: 60_000 });
  const controller = new AbortController();
  const pending = flow.resume("stuck", { signal: controller.signal }).catch((e: unknown) => e);
  await waitUntil(() => (server?.requests.length ?? 0) > 0, "the request to arrive");
  controller.abort(new Error("operator cancelled"));
  const error = await pending;
  expect(error).toBeInstanceOf(AbortError);
  expect((error as AbortError).cause).toEqual(new Error("operator cancelled"));
  await waitUntil(() => unansweredConnections() === 0, "every request's connection to close");
  expect(server?.requests).toHaveLength(1);
});

// Each attempt's timeout cuts off that attempt only: calls answered in time succeed. The
// answered ones get a timeout no loaded machine reaches, so the verdict never depends on speed.
test("calls started together: the stalled ones time out and close their connections, the answered ones succeed", async () => {
  server = await startLoopbackServer((request, response) => {
    if (request.rawUrl.includes("/fast-")) response.writeHead(200, { "content-length": "0" }).end();
  });
  const flow = new FlowControl({ token: "t", baseUrl: server.url, maxRetries: 0, timeout: 120_000 });
  const keys = ["slow-1", "fast-1", "slow-2", "fast-2", "slow-3", "fast-3"];
  const outcomes = await Promise.all(
    keys.map((key) =>
      flow.pause(key, key.startsWith("slow") ? { timeout: 200 } : {}).then(
        () => "ok",
        (e: unknown) => e,
      ),
    ),
  );
  expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(3);
  for (const [i, key] of keys.entries()) {
    if (key.startsWith("slow")) expect(outcomes[i]).toBeInstanceOf(TimeoutError);
    else expect(outcomes[i]).toBe("ok");
  }
  // The answered calls' connections rest in the pool; the stalled ones' must be gone.
  const { unansweredConnections } = server;
  await waitUntil(() => unansweredConnections() === 0, "every request's connection to close");
});

test("a process whose calls are done exits at once: no timeout timer keeps it alive", async () => {
  server = await startLoopbackServer((_request, response) => {
    response.writeHead(200, { "content-length": "0" }).end();
  });
  // A timeout of almost 25 days: a timer left behind would hold the process past this
  // test's limit, which is then only a guard against a hang.
  const script = `
    import { FlowControl } from "@qstash-flow/flow-control";
    const flow = new FlowControl({ token: "t", baseUrl: ${JSON.stringify(server.url)}, timeout: 2_000_000_000 });
    await Promise.all([flow.pause("a"), flow.resume("b")]);
    await flow.pause("c");
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(stderr).toBe("");
  expect(code).toBe(0);
  expect(server.requests).toHaveLength(3);
});
