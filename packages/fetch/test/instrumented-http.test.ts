// Tracing instrumentation wraps `http.request` and copies the headers it is given with
// `Object.assign` to add its own (OpenTelemetry's HTTP instrumentation, and so Sentry's).
// The Node carrier must hand them over in a form such a copy keeps: an object.
import { createServer, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createQStashClient, createQStashTransport } from "../src/index.ts";

let traces = 0;
vi.mock("node:http", async (importOriginal) => {
  const http = await importOriginal<typeof import("node:http")>();
  const request = ((options: import("node:http").RequestOptions, ...rest: never[]) => {
    const trace = `00-trace-${++traces}-01`;
    // Some instrumentation copies the headers (OpenTelemetry's), some adds to them in place
    // unless the request already carries a trace.
    let headers = options.headers as Record<string, string>;
    if (traces % 2) headers = Object.assign({}, headers, { traceparent: trace });
    else headers.traceparent ??= trace;
    return http.request({ ...options, headers }, ...rest);
  }) as typeof http.request;
  return { ...http, request, default: { ...http, request } };
});

const seen: IncomingHttpHeaders[] = [];
const server = createServer((request, response) => {
  seen.push(request.headers);
  response.writeHead(200, { "content-type": "application/json" }).end("[]");
});
let baseUrl = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("under instrumentation that copies the headers or adds to them, every call keeps its own and gets its trace", async () => {
  seen.length = 0;
  const transport = createQStashTransport({ token: "secret", baseUrl });
  const client = createQStashClient({ token: "secret", baseUrl });
  for (let call = 0; call < 2; call++) {
    await transport.request("get", "/v2/flowControl");
    const { response } = await client.GET("/v2/flowControl");
    expect(response.status).toBe(200);
  }
  expect(seen).toHaveLength(4);
  for (const headers of seen) {
    expect(headers.authorization).toBe("Bearer secret");
    expect(headers["user-agent"]).toMatch(/^qstash-flow-fetch\//);
    expect(Object.keys(headers).filter((name) => /^\d+$/.test(name))).toEqual([]);
  }
  // Each request's own trace: one added in place does not stay for the next call.
  expect(seen.map((headers) => headers.traceparent)).toEqual([1, 2, 3, 4].map((n) => `00-trace-${n}-01`));
});
