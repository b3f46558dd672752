// The token must not leak through any error, whatever failed and however the error is
// shown: message, stack, causes, toString(), JSON.stringify, util.inspect, or a log line.
// Every error kind is provoked with both auth schemes, by servers and fetches that do
// their worst: echo the token in bodies and headers, and put the URL in their messages.
import { format, inspect } from "node:util";
import { handlerFetch, type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";
import { createQStashClient } from "@qstash-flow/fetch";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import * as api from "../src/index.ts";
import { FlowControl, type FlowControlOptions, QStashError } from "../src/index.ts";

// Characters that URLs and forms escape, so escaped spellings are caught too; the
// middle part survives every escaping, so finding it finds any spelling.
const MARK = "SeCrEtMaRk7731";
const TOKEN = `eyJ${MARK}+tok/en==`;
const SCHEMES = ["header", "query"] as const;

/**
 * An API error without its `body`: the body is what the server sent, handed over
 * unaltered (checked below); everything else is the library's own and must not leak.
 */
function withoutBody(value: unknown): unknown {
  if (!(value instanceof api.APIError)) return value;
  const copy = Object.create(Object.getPrototypeOf(value), Object.getOwnPropertyDescriptors(value));
  delete copy.body;
  return copy;
}

function everyOutput(value: unknown): string {
  const parts: string[] = [inspect(withoutBody(value), { depth: Number.POSITIVE_INFINITY, showHidden: true })];
  for (let error = value as Error | undefined, depth = 0; error && depth < 10; depth++) {
    parts.push(String(error), String(error.message), String(error.stack), JSON.stringify(error) ?? "");
    error = (error as { cause?: Error }).cause;
  }
  const apiError = value as { headers?: Headers };
  if (apiError.headers instanceof Headers) parts.push(JSON.stringify([...apiError.headers]));
  return parts.join("\n");
}

let server: LoopbackServer;
let closedUrl: string;
const logged: string[] = [];

beforeAll(async () => {
  server = await startLoopbackServer((request, response) => {
    const key = decodeURIComponent(/^\/v2\/flowControl\/([^/?]+)/.exec(request.rawUrl)?.[1] ?? "");
    if (key === "stall") return; // never answers: the client's timeout has to end it
    const echo = `token ${TOKEN} (${encodeURIComponent(TOKEN)}), request ${request.rawUrl}`;
    response.setHeader("X-Echo", echo);
    response.setHeader("WWW-Authenticate", `Bearer error="invalid_token", token="${TOKEN}"`);
    response.setHeader("Upstash-Request-Id", `req-${TOKEN}`);
    response.setHeader("Retry-After", "0");
    if (key === "not-json") {
      response.statusCode = 200;
      response.end(`not json: ${echo}`);
      return;
    }
    response.statusCode = Number(key);
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ error: `rejected ${echo}`, authorization: request.headers.authorization }));
  });
  const closed = await startLoopbackServer(() => {});
  closedUrl = closed.url;
  await closed.close();
});
afterAll(() => server.close());

beforeEach(() => {
  logged.length = 0;
  for (const level of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(format(...args));
    });
  }
  vi.spyOn(process, "emitWarning").mockImplementation((warning: string | Error) => {
    logged.push(format(warning));
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const flowFor = (authScheme: (typeof SCHEMES)[number], options: Partial<FlowControlOptions> = {}) =>
  new FlowControl({ token: TOKEN, baseUrl: server.url, authScheme, maxRetries: 0, ...options });

/** A fetch whose every failure names the URL it was given (and so a query token) and the auth header. */
const blabbingFetch = handlerFetch((request) => {
  const detail = `${request.method} ${request.url.href} with ${request.headers.get("authorization") ?? "no header"}`;
  const cause = Object.assign(new Error(`connect ECONNREFUSED while sending ${detail}`), {
    code: "ECONNREFUSED",
    url: request.url.href,
  });
  throw new TypeError(`fetch failed: ${detail}`, { cause: new AggregateError([cause], `all failed: ${detail}`) });
}).fetch;

type Scenario = [string, typeof QStashError, (scheme: (typeof SCHEMES)[number]) => Promise<unknown>];

const SCENARIOS: Scenario[] = [
  ["a bad key", api.ValidationError, (s) => flowFor(s).pause("..")],
  ["a bad call option", api.ValidationError, (s) => flowFor(s).pause("k", { timeout: -1 })],
  ["a bad client option", api.ValidationError, async (s) => flowFor(s, { baseUrl: `ftp://x/${TOKEN}` })],
  [
    "a client token that no header can carry",
    api.ValidationError,
    async (s) => new FlowControl({ token: `${TOKEN}\n${TOKEN}ü`, authScheme: s }),
  ],
  [
    "a client from an environment without a token",
    api.MissingTokenError,
    async (s) => FlowControl.fromEnv({ QSTASH_URL: "http://127.0.0.1:1" }, { authScheme: s }),
  ],
  ["400 echoing the token", api.BadRequestError, (s) => flowFor(s).pause("400")],
  ["401 echoing the token", api.AuthenticationError, (s) => flowFor(s).pause("401")],
  ["403 echoing the token", api.PermissionDeniedError, (s) => flowFor(s).pause("403")],
  ["404 echoing the token", api.NotFoundError, (s) => flowFor(s).get("404")],
  ["409 echoing the token", api.APIError, (s) => flowFor(s).resume("409")],
  ["429 echoing the token", api.RateLimitError, (s) => flowFor(s, { maxRetries: 1 }).resetRate("429")],
  ["500 echoing the token", api.InternalServerError, (s) => flowFor(s, { maxRetries: 1 }).unpin("500", { rate: true })],
  ["418 echoing the token", api.APIError, (s) => flowFor(s).pause("418")],
  ["a 200 that is not JSON", QStashError, (s) => flowFor(s).get("not-json")],
  ["a fetch that names the URL", api.ConnectionError, (s) => flowFor(s, { fetch: blabbingFetch }).pause("k")],
  ["a refused connection", api.ConnectionError, (s) => flowFor(s, { baseUrl: closedUrl, maxRetries: 1 }).pause("k")],
  ["a server that stalls", api.TimeoutError, (s) => flowFor(s, { timeout: 100 }).pause("stall")],
  ["an aborted signal", api.AbortError, (s) => flowFor(s).pause("k", { signal: AbortSignal.abort() })],
  [
    "an abort during the call",
    api.AbortError,
    (s) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      return flowFor(s).pause("stall", { signal: controller.signal });
    },
  ],
];

describe.each(SCHEMES)("with the token in the %s", (scheme) => {
  test.each(SCENARIOS)("%s: the error never shows the token", async (name, Class, provoke) => {
    const error = await provoke(scheme).then(
      () => new Error("expected a failure"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Class);
    expect((error as QStashError).constructor).toBe(Class);
    // a failed call names its operation; a refused client has no call to name
    if (!(error instanceof api.ValidationError) || !name.includes("client"))
      expect((error as Error).message).toMatch(/^QStash \w+/);
    expect(everyOutput(error)).not.toContain(MARK);
    expect(logged.join("\n")).not.toContain(MARK);
    // The body is the server's, as it sent it: echoed token included.
    if (error instanceof api.APIError) expect(JSON.stringify(error.body)).toContain(`rejected token ${TOKEN}`);
  });

  test("the server did see the token, so each case really had it to leak", () => {
    const seen = server.requests.map((r) => `${r.rawUrl} ${r.headers.authorization ?? ""}`).join("\n");
    expect(seen).toContain(MARK);
  });
});

test("the scenarios provoke every error class the package exports", () => {
  const exported = Object.values(api).filter(
    (value) => typeof value === "function" && (value === QStashError || value.prototype instanceof QStashError),
  );
  expect(new Set(SCENARIOS.map(([, Class]) => Class))).toEqual(new Set(exported));
});

test("neither a client nor the wrapper shows the token when inspected", () => {
  for (const scheme of SCHEMES) {
    const flow = flowFor(scheme);
    for (const value of [
      flow,
      flow.transport,
      api.createQStashTransport({ token: TOKEN, authScheme: scheme }),
      createQStashClient({ token: TOKEN, authScheme: scheme }),
    ]) {
      expect(inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(MARK);
      expect(JSON.stringify(value) ?? "").not.toContain(MARK);
    }
  }
});
