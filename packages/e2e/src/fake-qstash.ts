import { randomUUID } from "node:crypto";
import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";

interface KeyState {
  flowControlKey: string;
  isPaused: boolean;
}

const ACTIONS = new Set(["pause", "resume", "pin", "unpin", "resetRate"]);

/**
 * A stand-in for the QStash flow-control API, for when the dev server is not among the
 * published packages: just enough (get, list, key actions, auth) for the smoke tests.
 * pause and pin create an unknown key, as the dev server does.
 */
export async function startFakeQStash(): Promise<LoopbackServer & { token: string }> {
  const token = `fake-${randomUUID()}`;
  const keys = new Map<string, KeyState>();
  const server = await startLoopbackServer((request, response) => {
    const send = (status: number, body?: unknown) => {
      response.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${token}`) return send(401, { error: "invalid token" });
    // Split the raw target so a key's percent-encoding is decoded exactly once.
    const [path = ""] = request.rawUrl.split("?");
    const [, version, area, rawKey, action, ...rest] = path.split("/");
    if (version !== "v2" || area !== "flowControl" || rest.length > 0) return send(404, { error: "no such route" });
    if (rawKey === undefined || rawKey === "") {
      return request.method === "GET" ? send(200, [...keys.values()]) : send(405, { error: "list takes GET" });
    }
    const key = decodeURIComponent(rawKey);
    if (action === undefined && request.method === "GET") {
      const state = keys.get(key);
      return state ? send(200, state) : send(404, { error: `no flow-control key ${JSON.stringify(key)}` });
    }
    if (action === undefined || !ACTIONS.has(action) || request.method !== "POST") {
      return send(404, { error: "no such route" });
    }
    const state =
      keys.get(key) ?? (action === "pause" || action === "pin" ? { flowControlKey: key, isPaused: false } : null);
    if (!state) return send(404, { error: `no flow-control key ${JSON.stringify(key)}` });
    keys.set(key, state);
    if (action === "pause") state.isPaused = true;
    if (action === "resume") state.isPaused = false;
    return send(200);
  });
  return { ...server, token };
}
