// Where the typed client's per-call CPU goes: a ladder from bare fetch up to what the
// client does on every call, one step at a time, next to the real clients. Run with
// `--only overhead`; it is not part of the default run.
import { BENCH_KEY, BENCH_TOKEN, contestants } from "./clients.mjs";
import { measureThroughput } from "./throughput.mjs";

/** @param {string} baseUrl */
export function overheadLadder(baseUrl, token = BENCH_TOKEN, key = BENCH_KEY) {
  const init = () => ({ method: "POST", headers: { Authorization: `Bearer ${token}` } });
  const url = () => new URL(`/v2/flowControl/${encodeURIComponent(key)}/pause`, baseUrl);
  const check = (response) => {
    if (!response.ok) throw new Error(`pause failed with ${response.status}`);
  };
  // What the transport does around each attempt: its own signal, a timer, and forwarding the caller's abort.
  const withSignal = async (request, then) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    const forward = () => controller.abort(request.signal.reason);
    request.signal.addEventListener("abort", forward, { once: true });
    try {
      return then(await fetch(request, { signal: controller.signal }));
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener("abort", forward);
    }
  };
  const byId = Object.fromEntries(contestants(baseUrl, token, key).map((c) => [c.id, c]));
  return [
    { id: "fetch", label: "1. bare fetch (the floor)", call: byId.fetch.call },
    {
      id: "request",
      label: "2. + a Request object built first (openapi-fetch does)",
      call: async () => check(await fetch(new Request(url(), init()))),
    },
    {
      id: "signal",
      label: "3. + own AbortController, timer and abort forwarding (transport)",
      call: () => withSignal(new Request(url(), init()), check),
    },
    {
      id: "buffered",
      label: "4. + empty body read and Response rebuilt (transport's buffered())",
      call: () =>
        withSignal(new Request(url(), init()), async (response) => {
          const bytes = await response.arrayBuffer();
          const headers = new Headers();
          for (const [name, value] of response.headers) headers.append(name, value);
          headers.set("content-length", String(bytes.byteLength));
          check(new Response(null, { status: response.status, statusText: response.statusText, headers }));
        }),
    },
    { id: "typed", label: "5. typed client POST (ours, everything)", call: byId.typed.call },
    { id: "wrapper", label: "6. FlowControl#pause (ours)", call: byId.wrapper.call },
    { id: "official", label: "7. @upstash/qstash flowControl.pause", call: byId.official.call },
  ];
}

/** The ladder measured like the throughput benchmark, at concurrency 1. */
export function measureOverhead(baseUrl, plan) {
  return measureThroughput(overheadLadder(baseUrl), { concurrency: 1, ...plan });
}
