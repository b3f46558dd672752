// Tracing instrumentation wraps `http.request` and copies the headers it is given with
// `Object.assign` to add its own (OpenTelemetry's HTTP instrumentation, and so Sentry's).
// The Node carrier must hand them over in a form such a copy keeps: an object.
import { createServer, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createQStashClient, createQStashTransport } from "../src/index.ts";

vi.mock("node:http", async (importOriginal) => {
  const http = await importOriginal<typeof import("node:http")>();
  const request = ((options: import("node:http").RequestOptions, ...rest: never[]) =>
    http.request(
      { ...options, headers: Object.assign({}, options.headers, { traceparent: "00-trace-span-01" }) },
      ...rest,
    )) as typeof http.request;
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

test("under instrumentation that copies the headers, every call keeps its own and gets the tracer's", async () => {
  seen.length = 0;
  await createQStashTransport({ token: "secret", baseUrl }).request("get", "/v2/flowControl");
  const { response } = await createQStashClient({ token: "secret", baseUrl }).GET("/v2/flowControl");
  expect(response.status).toBe(200);
  expect(seen).toHaveLength(2);
  for (const headers of seen) {
    expect(headers.authorization).toBe("Bearer secret");
    expect(headers.traceparent).toBe("00-trace-span-01");
    expect(headers["user-agent"]).toMatch(/^qstash-flow-fetch\//);
    expect(Object.keys(headers).filter((name) => /^\d+$/.test(name))).toEqual([]);
  }
});
