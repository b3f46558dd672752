/** A request as the injected fetch saw it, body read as text. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  signal: AbortSignal;
}

export type Handler = (request: SeenRequest, attempt: number) => Response | Promise<Response>;

/**
 * A `fetch` that hands each request to `handler` instead of the network, and records
 * it. It honours the abort signal like the real one: pending calls reject with the
 * signal's reason.
 */
export function handlerFetch(handler: Handler) {
  const requests: SeenRequest[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const seen: SeenRequest = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: await request.text(),
      signal: request.signal,
    };
    requests.push(seen);
    if (request.signal.aborted) throw request.signal.reason;
    const pending = Promise.resolve(handler(seen, requests.length));
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(request.signal.reason);
      request.signal.addEventListener("abort", onAbort, { once: true });
      pending.then(
        (response) => {
          request.signal.removeEventListener("abort", onAbort);
          resolve(response);
        },
        (error) => {
          request.signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  };
  return { fetch, requests };
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) },
  });
}
