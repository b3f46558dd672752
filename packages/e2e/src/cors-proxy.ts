import { type LoopbackServer, startLoopbackServer } from "@qstash-flow/test-utils";

// The dev server answers no CORS preflight; a page on another origin reaches it through
// this, as a real app would reach QStash through its own backend or edge function.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type",
  "access-control-expose-headers": "*",
  "access-control-max-age": "60",
};

// Hop-by-hop and browser-only headers stay on this side of the proxy.
const DROPPED = new Set(["host", "origin", "referer", "connection", "content-length", "transfer-encoding"]);

/** Forwards every request to `target`, answering preflights and adding CORS headers. */
export function startCorsProxy(target: string): Promise<LoopbackServer> {
  return startLoopbackServer(async (request, response) => {
    if (request.method === "OPTIONS") {
      response.writeHead(204, CORS);
      response.end();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || DROPPED.has(name) || name.startsWith("sec-")) continue;
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const upstream = await fetch(new URL(request.rawUrl, target), {
      method: request.method,
      headers,
      ...(request.method === "GET" || request.method === "HEAD" ? {} : { body: request.body }),
    });
    const forwarded: Record<string, string> = { ...CORS };
    for (const [name, value] of upstream.headers) {
      if (!DROPPED.has(name) && name !== "content-encoding") forwarded[name] = value;
    }
    response.writeHead(upstream.status, forwarded);
    response.end(Buffer.from(await upstream.arrayBuffer()));
  });
}
