// The five contestants of the throughput benchmark, each set up once and then asked to
// pause the same key, the way an application would call it. Bare `http.request` with a
// keep-alive agent is the limit our clients' Node carrier is held to (issue 28).
import { Agent, request } from "node:http";
import { createQStashClient } from "@qstash-flow/fetch";
import { FlowControl } from "@qstash-flow/flow-control";
import { Client } from "@upstash/qstash";

export const BENCH_TOKEN = "bench-token";
export const BENCH_KEY = "orders-eu";

/**
 * @typedef {{ id: string, label: string, call: () => Promise<unknown> }} Contestant (what `call` resolves to is ignored)
 * @param {string} baseUrl the loopback server
 * @returns {Contestant[]}
 */
export function contestants(baseUrl, token = BENCH_TOKEN, key = BENCH_KEY) {
  const flowControl = new FlowControl({ token, baseUrl });
  const typed = createQStashClient({ token, baseUrl });
  const official = new Client({ token, baseUrl });
  const authorization = `Bearer ${token}`;
  const agent = new Agent({ keepAlive: true });
  const pauseUrl = `${baseUrl}/v2/flowControl/${encodeURIComponent(key)}/pause`;

  return [
    {
      id: "wrapper",
      label: "FlowControl#pause (ours)",
      call: () => flowControl.pause(key),
    },
    {
      id: "typed",
      label: "typed client POST (ours)",
      // As openapi-fetch's documentation checks a call: by its `error`. Reading `response` as
      // well costs more (in Node it is made on first read): the overhead ladder prices it.
      call: async () => {
        const { error } = await typed.POST("/v2/flowControl/{flowControlKey}/pause", {
          params: { path: { flowControlKey: key } },
        });
        if (error !== undefined) throw new Error(`pause failed: ${JSON.stringify(error)}`);
      },
    },
    {
      id: "official",
      label: "@upstash/qstash flowControl.pause",
      call: () => official.flowControl.pause(key),
    },
    {
      id: "http",
      label: "bare http.request, keep-alive agent",
      call: () => bareRequest(pauseUrl, { authorization }, agent),
    },
    {
      id: "fetch",
      label: "bare fetch",
      call: async () => {
        const url = new URL(`/v2/flowControl/${encodeURIComponent(key)}/pause`, baseUrl);
        const response = await fetch(url, { method: "POST", headers: { Authorization: authorization } });
        // The least a correct caller does: pause answers with no body, so only a failure's body is read.
        if (!response.ok) throw new Error(`pause failed with ${response.status}: ${await response.text()}`);
      },
    },
  ];
}

/**
 * Bare `http.request` with a keep-alive agent: the least a correct caller does, the reply
 * read to its end and its status checked.
 * @param {string} url
 * @param {Record<string, string>} headers
 * @param {import("node:http").Agent} agent
 */
export function bareRequest(url, headers, agent) {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: "POST", headers, agent });
    sent.on("error", reject);
    sent.on("response", (response) => {
      response.resume();
      response.on("error", reject);
      response.on("end", () =>
        response.statusCode === 200
          ? resolve(undefined)
          : reject(new Error(`pause failed with ${response.statusCode}`)),
      );
    });
    sent.end();
  });
}
