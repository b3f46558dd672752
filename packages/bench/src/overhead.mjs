// Where the wrapper's per-call CPU goes: a ladder from bare fetch up to what the wrapper
// does on every call, one step at a time, next to the real clients. Run with
// `--only overhead`; it is not part of the default run.
import { Agent, request } from "node:http";
import { createQStashTransport } from "@qstash-flow/fetch";
import { defaultExchange } from "@qstash-flow/fetch/internal";
import { BENCH_KEY, BENCH_TOKEN, contestants } from "./clients.mjs";
import { measureThroughput } from "./throughput.mjs";

/** @param {string} baseUrl */
export function overheadLadder(baseUrl, token = BENCH_TOKEN, key = BENCH_KEY) {
  const url = `${baseUrl}/v2/flowControl/${encodeURIComponent(key)}/pause`;
  const headers = { authorization: `Bearer ${token}` };
  const check = (response) => {
    if (!response.ok) throw new Error(`pause failed with ${response.status}`);
  };
  const transport = createQStashTransport({ token, baseUrl });
  const exchange = defaultExchange?.({}) ?? (() => ({ reply: Promise.reject(new Error("no carrier")) }));
  const outgoing = { method: "POST", headers };
  const how = { idempotent: true };
  const agent = new Agent({ keepAlive: true });
  const byId = Object.fromEntries(contestants(baseUrl, token, key).map((c) => [c.id, c]));
  return [
    { id: "fetch", label: "1. bare fetch (the floor)", call: byId.fetch.call },
    {
      id: "controller",
      label: "2. + an AbortController made, not passed",
      call: async () => {
        const controller = new AbortController();
        check(await fetch(url, { method: "POST", headers }));
        if (controller.signal.aborted) throw new Error("aborted");
      },
    },
    {
      id: "signal",
      label: "3. + its signal passed to fetch",
      call: async () => check(await fetch(url, { method: "POST", headers, signal: new AbortController().signal })),
    },
    {
      id: "timer",
      label: "4. + a timer that would abort it (what a per-attempt timeout needs)",
      call: async () => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 30_000);
        try {
          check(await fetch(url, { method: "POST", headers, signal: controller.signal }));
        } finally {
          clearTimeout(timer);
        }
      },
    },
    {
      id: "http",
      label: "4b. node:http with a keep-alive agent, no timer (the floor of what our clients send over in Node)",
      call: () =>
        new Promise((resolve, reject) => {
          const sent = request(url, { method: "POST", headers, agent });
          sent.on("error", reject);
          sent.on("response", (response) => {
            response.resume();
            response.on("end", () => (response.statusCode === 200 ? resolve() : reject(new Error("pause failed"))));
          });
          sent.end();
        }),
    },
    {
      id: "carrier",
      label: "4c. our Node carrier alone: URL parsed, headers merged, reply read and its status checked",
      call: async () => {
        const reply = await exchange(url, outgoing, how).reply;
        if (reply.status !== 200) throw new Error(`pause failed with ${reply.status}`);
      },
    },
    {
      id: "carrierTimer",
      label: "4d. + a timer per attempt that would cancel it (what the per-attempt timeout costs)",
      call: async () => {
        const attempt = exchange(url, outgoing, how);
        const timer = setTimeout(() => attempt.cancel(new Error("timed out")), 30_000);
        try {
          const reply = await attempt.reply;
          if (reply.status !== 200) throw new Error(`pause failed with ${reply.status}`);
        } finally {
          clearTimeout(timer);
        }
      },
    },
    {
      id: "transport",
      label:
        "5. transport.request (ours: + options checked, key validated and encoded, the retry loop, the reply parsed and checked, errors mapped)",
      call: () =>
        transport.request("post", "/v2/flowControl/{flowControlKey}/pause", { path: { flowControlKey: key } }),
    },
    { id: "wrapper", label: "6. FlowControl#pause (ours)", call: byId.wrapper.call },
    { id: "typed", label: "7. typed client POST (ours, through openapi-fetch)", call: byId.typed.call },
    { id: "official", label: "8. @upstash/qstash flowControl.pause", call: byId.official.call },
  ];
}

/** The ladder measured like the throughput benchmark, at concurrency 1. */
export function measureOverhead(baseUrl, plan) {
  return measureThroughput(overheadLadder(baseUrl), { concurrency: 1, ...plan });
}
