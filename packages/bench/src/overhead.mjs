// Where a call's CPU goes: a ladder from bare keep-alive `http.request` up to our clients,
// each step adding one part of what they do on every call, measured like the throughput
// benchmark (same server, rounds, collections), and each step's turnaround. `pnpm bench`
// runs it at concurrency 1, where a call's own cost is not shared with others in flight,
// and at 32, where issue 28's targets are closest.
import { Agent } from "node:http";
import { createQStashClient, createQStashTransport, encodeKey } from "@qstash-flow/fetch";
import { defaultExchange, startTimer } from "@qstash-flow/fetch/internal";
import { BENCH_KEY, BENCH_TOKEN, bareRequest, contestants } from "./clients.mjs";
import { measureThroughput } from "./throughput.mjs";
import { measureTurnaround } from "./turnaround.mjs";

/**
 * @param {string} baseUrl
 * @returns {(import("./clients.mjs").Contestant & { after?: string, reference?: boolean })[]} the steps in order
 *   (`after`: the step each adds to), then bare fetch and the official SDK for reference
 */
export function overheadLadder(baseUrl, token = BENCH_TOKEN, key = BENCH_KEY) {
  const headers = { authorization: `Bearer ${token}` };
  const agent = new Agent({ keepAlive: true });
  const bare = (url) => bareRequest(url, headers, agent);
  const fixedUrl = `${baseUrl}/v2/flowControl/${encodeURIComponent(key)}/pause`;
  const exchange = defaultExchange?.();
  if (!exchange) throw new Error("the overhead ladder runs in Node, where @qstash-flow/fetch sends over node:http");
  const outgoing = { method: "POST", headers };
  /**
   * One attempt of our Node carrier; with `timed`, under the timer that would cancel it, as
   * each attempt is (the client's own `startTimer`); with `asResponse`, its reply made a
   * `Response` (as openapi-fetch reads one).
   */
  const carried = async (timed, asResponse = false) => {
    const url = `${baseUrl}/v2/flowControl/${encodeKey(key)}/pause`;
    const attempt = exchange(url, outgoing, { idempotent: true, asResponse });
    const stopTimer = timed ? startTimer(30_000, () => attempt.cancel(new Error("timed out"))) : undefined;
    try {
      const reply = await attempt.reply;
      if (reply.status !== 200) throw new Error(`pause failed with ${reply.status}`);
    } finally {
      stopTimer?.();
    }
  };
  const transport = createQStashTransport({ token, baseUrl });
  const typed = createQStashClient({ token, baseUrl });
  const byId = Object.fromEntries(contestants(baseUrl, token, key).map((c) => [c.id, c]));
  return [
    { id: "http", label: "1. bare `http.request`, keep-alive agent (the floor)", call: () => bare(fixedUrl) },
    {
      id: "key",
      after: "http",
      label: "2. + the key checked and percent-encoded into the path (`encodeKey`)",
      call: () => bare(`${baseUrl}/v2/flowControl/${encodeKey(key)}/pause`),
    },
    {
      id: "carrier",
      after: "key",
      label:
        "3. our Node carrier instead of `http.request`: the app's global dispatcher looked up, the URL handed over as " +
        "fields, `User-Agent` and `Accept-Encoding` added, the reply's bytes kept and its status read",
      call: () => carried(false),
    },
    {
      id: "timer",
      after: "carrier",
      label:
        "4. + the timer per attempt that would cancel it (the per-attempt timeout, a kept timer re-armed; a call's " +
        "signal adds a listener)",
      call: () => carried(true),
    },
    {
      id: "response",
      after: "timer",
      label:
        "4b. + the reply made a `Response` (what openapi-fetch reads, and what the typed client makes when its " +
        "`response` is read; not the wrapper's)",
      call: () => carried(true, true),
    },
    {
      id: "transport",
      after: "timer",
      label:
        "5. `transport.request`: + params and call options checked, the retry loop, the reply parsed and checked " +
        "(errors are mapped only on a failure)",
      call: () =>
        transport.request("post", "/v2/flowControl/{flowControlKey}/pause", { path: { flowControlKey: key } }),
    },
    {
      id: "wrapper",
      after: "transport",
      label: "6. `FlowControl#pause`: + the operation and key named for errors, the action's answer checked",
      call: byId.wrapper.call,
    },
    {
      id: "typed",
      after: "transport",
      label:
        "7. typed client `POST` instead of 6, its `error` checked: the call's options checked, the way chosen " +
        "(openapi-fetch's, with middleware, a body or headers of the call's own), the result",
      call: byId.typed.call,
    },
    {
      id: "typedResponse",
      after: "typed",
      label: "7b. + the result's `response` read (made on first read)",
      call: async () => {
        const { response } = await typed.POST("/v2/flowControl/{flowControlKey}/pause", {
          params: { path: { flowControlKey: key } },
        });
        if (!response.ok) throw new Error(`pause failed with ${response.status}`);
      },
    },
    { id: "fetch", label: "bare `fetch` (for reference)", call: byId.fetch.call, reference: true },
    {
      id: "official",
      label: "`@upstash/qstash` `flowControl.pause` (for reference)",
      call: byId.official.call,
      reference: true,
    },
  ];
}

/**
 * The ladder measured like the throughput benchmark (without the references unless
 * `references`), then (with `turnaround`) each step's turnaround (turnaround.mjs) in rounds
 * of its own: one call's path, so only one call at a time.
 * @param {string} baseUrl
 * @param {{ concurrency: number, ops: number, warmupOps: number, rounds: number, references: boolean, turnaround?: { ops: number, rounds: number } }} plan
 * @returns {Promise<{ concurrency: number, results: (Awaited<ReturnType<typeof measureThroughput>>["results"][number] & { turnaroundRounds?: number[] })[] }>}
 */
export async function measureOverhead(baseUrl, plan) {
  const { turnaround, references, ...rounds } = plan;
  const ladder = overheadLadder(baseUrl).filter((step) => references || !step.reference);
  const measured = await measureThroughput(ladder, rounds);
  if (!turnaround) return measured;
  const turnarounds = await measureTurnaround(ladder, turnaround);
  return {
    ...measured,
    results: measured.results.map((result) => ({ ...result, turnaroundRounds: turnarounds[result.id] })),
  };
}
