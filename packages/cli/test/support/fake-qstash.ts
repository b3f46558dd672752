import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";

/**
 * A tiny stand-in for a QStash server: the flow-control routes plus publish, with state
 * in memory. Paused keys collect messages in their waitlist; resume delivers them.
 */
export interface FakeQStash {
  url: string;
  token: string;
  server: LoopbackServer;
  /** Messages "delivered" per key. */
  delivered: Map<string, number>;
  close(): Promise<void>;
}

interface KeyState {
  flowControlKey: string;
  waitListSize: number;
  parallelismMax: number;
  rateMax: number;
  rateCount: number;
  ratePeriod: number;
  ratePeriodStart: number;
  isPinnedParallelism: boolean;
  isPinnedRate: boolean;
  isPaused: boolean;
}

export async function startFakeQStash(token = "fake-token-0123456789"): Promise<FakeQStash> {
  const keys = new Map<string, KeyState>();
  const delivered = new Map<string, number>();
  const deliver = (key: string, count: number) => delivered.set(key, (delivered.get(key) ?? 0) + count);

  const server = await startLoopbackServer((request, response) => {
    const send = (status: number, body?: unknown) => {
      response.statusCode = status;
      if (body !== undefined) response.setHeader("content-type", "application/json");
      response.end(body === undefined ? "" : JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${token}`) return send(401, { error: "invalid token" });
    const url = new URL(request.rawUrl, "http://fake");
    const [, v2, resource, rawKey, action] = url.pathname.split("/");
    if (v2 !== "v2") return send(404, { error: "not found" });
    if (resource === "globalParallelism") return send(200, { parallelismMax: 100, parallelismCount: 0 });
    if (resource === "publish") {
      const key = String(request.headers["upstash-flow-control-key"] ?? "");
      const state = keys.get(key) ?? { ...blank(), flowControlKey: key };
      keys.set(key, state);
      if (state.isPaused) state.waitListSize++;
      else deliver(key, 1);
      return send(201, { messageId: `msg_${Date.now()}` });
    }
    if (resource !== "flowControl") return send(404, { error: "not found" });
    if (rawKey === undefined) return send(200, [...keys.values()]);
    const key = decodeURIComponent(rawKey);
    const state = keys.get(key);
    if (!state) return send(404, { error: "flow control key not found" });
    if (action === undefined && request.method === "GET") return send(200, state);
    const query = url.searchParams;
    switch (action) {
      case "pause":
        state.isPaused = true;
        break;
      case "resume":
        state.isPaused = false;
        deliver(key, state.waitListSize);
        state.waitListSize = 0;
        break;
      case "pin":
        if (query.has("parallelism"))
          Object.assign(state, { parallelismMax: Number(query.get("parallelism")), isPinnedParallelism: true });
        if (query.has("rate")) Object.assign(state, { rateMax: Number(query.get("rate")), isPinnedRate: true });
        if (query.has("period")) state.ratePeriod = Number(query.get("period"));
        Object.assign(state, { rateCount: 0, ratePeriodStart: Math.floor(Date.now() / 1000) });
        break;
      case "unpin":
        if (query.get("parallelism") === "true") state.isPinnedParallelism = false;
        if (query.get("rate") === "true") state.isPinnedRate = false;
        break;
      case "resetRate":
        Object.assign(state, { rateCount: 0, ratePeriodStart: Math.floor(Date.now() / 1000) });
        break;
      default:
        return send(404, { error: "not found" });
    }
    return send(200);
  });
  return { url: server.url, token, server, delivered, close: () => server.close() };
}

function blank(): KeyState {
  return {
    flowControlKey: "",
    waitListSize: 0,
    parallelismMax: 0,
    rateMax: 0,
    rateCount: 0,
    ratePeriod: 0,
    ratePeriodStart: 0,
    isPinnedParallelism: false,
    isPinnedRate: false,
    isPaused: false,
  };
}

/** Publishes one message with flow control, as a producer would. */
export async function publish(
  url: string,
  token: string,
  key: string,
  destination: string,
  value = "parallelism=1",
): Promise<void> {
  const target = new URL(`/v2/publish/${destination}`, url);
  const response = await fetch(target, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "upstash-flow-control-key": key,
      "upstash-flow-control-value": value,
    },
    body: "hello",
  });
  if (!response.ok) throw new Error(`publish failed: ${response.status} ${await response.text()}`);
}
