import type { FetchLike } from "../options.js";
import type { Exchange, Reply } from "./exchange.js";

/** The global fetch, looked up per call so that instrumentation installed later applies. */
export const globalFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

/**
 * Attempts carried by `fetch`, each with its own `AbortController` (the only way to
 * cancel a fetch). Redirects are not followed unless the call asks (`redirect: "manual"`).
 * The body is read in full within the attempt, so its timeout covers it, unless
 * `asResponse`: then the reply's `response` comes unread, for a caller that reads it
 * while the attempt still runs (openapi-fetch, in the typed client).
 */
export function fetchExchange(fetch: FetchLike): Exchange {
  return (url, outgoing, how) => {
    const controller = new AbortController();
    let fail!: (reason: unknown) => void;
    // Settles at once when cancelled, also for a fetch that ignores its signal.
    const cancelled = new Promise<never>((_, reject) => (fail = reject));
    const work = (async (): Promise<Reply> => {
      // Headers of this attempt's own: a `fetch` that adds to what it is given (a request
      // id) must not change the client's, which every call sends.
      const sent = new Headers(outgoing.headers);
      const init = { redirect: "manual", ...outgoing, headers: sent, signal: controller.signal } as RequestInit;
      const response = await fetch(url, init);
      if (controller.signal.aborted) {
        // It arrived after its attempt was given up: cancelled, so nothing leaks.
        response.body?.cancel().catch(() => {});
        throw controller.signal.reason;
      }
      const { status, statusText, headers, type } = response;
      const text = how?.asResponse || headers.get("content-length") === "0" ? "" : await response.text();
      return { status, statusText, headers, text, type, response };
    })();
    return {
      // The race handles both rejections: whichever loses is not reported as unhandled.
      reply: Promise.race([work, cancelled]),
      cancel(reason) {
        controller.abort(reason);
        fail(reason);
      },
    };
  };
}
