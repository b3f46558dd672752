import { startLoopbackServer } from "@qstash-flow/test-utils";

export interface RecordingProxy {
  url: string;
  /** `METHOD path` of every request that came through, in order of arrival. */
  seen: string[];
  /** Requests that change state (POST), as `action key`, e.g. `pause orders/eu`. */
  writes(): string[];
  /** The most requests that were in flight at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/**
 * A real HTTP proxy on 127.0.0.1 in front of the dev server: it records what the CLI
 * sends and answers `400 {error}` itself where `fails` says so, to make one key fail.
 */
export async function startProxy(
  target: string,
  fails: (path: string) => boolean = () => false,
  /** Hold each POST until this many are held, then let them all through: calls that may overlap, do. */
  gate = 1,
): Promise<RecordingProxy> {
  const seen: string[] = [];
  let held: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const server = await startLoopbackServer(async (request, response) => {
    const path = request.rawUrl.split("?")[0] as string;
    seen.push(`${request.method} ${path}`);
    inFlight++;
    most = Math.max(most, inFlight);
    try {
      if (request.method === "POST") {
        await new Promise<void>((resolve) => {
          held.push(resolve);
          if (held.length < gate) return;
          for (const release of held) release();
          held = [];
        });
      }
      if (fails(path)) {
        response.statusCode = 400;
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ error: "refused by the test proxy" }));
        return;
      }
      const upstream = await fetch(new URL(request.rawUrl, target), {
        method: request.method,
        headers: { authorization: request.headers.authorization ?? "" },
        ...(request.method === "POST" ? { body: request.body } : {}),
      });
      response.statusCode = upstream.status;
      const type = upstream.headers.get("content-type");
      if (type) response.setHeader("content-type", type);
      response.end(await upstream.text());
    } finally {
      inFlight--;
    }
  });
  const decode = (entry: string) => {
    const [, , , key, action] = entry.split(" ")[1]?.split("/") ?? [];
    return `${action} ${decodeURIComponent(key ?? "")}`;
  };
  return {
    url: server.url,
    seen,
    writes: () => seen.filter((entry) => entry.startsWith("POST ")).map(decode),
    maxInFlight: () => most,
    close: () => server.close(),
  };
}
