// Request targets to operations. The raw target is used, never a normalised one, so a
// key's percent-encoding is decoded exactly once and a raw publish destination keeps
// its own slashes and query.

const KEY_ACTIONS = ["pause", "resume", "pin", "unpin", "resetRate"] as const;
export type KeyAction = (typeof KEY_ACTIONS)[number];

/** The Messages and DLQ operations, by the names the `request` event reports. */
export type ListOperation = "cancelMessages" | "listDlq" | "deleteDlqMany" | "retryDlqMany";
export type IdOperation = "getMessage" | "cancelMessage" | "getDlq" | "deleteDlq" | "retryDlq";

export type Route =
  | { operation: "list"; query: URLSearchParams }
  | { [O in ListOperation]: { operation: O; query: URLSearchParams } }[ListOperation]
  | { [O in IdOperation]: { operation: O; rawId: string; query: URLSearchParams } }[IdOperation]
  | { operation: "globalParallelism"; query: URLSearchParams }
  | { operation: "get" | KeyAction; rawKey: string; query: URLSearchParams }
  | { operation: "publish"; rest: string };

export type RouteMatch =
  | { route: Route }
  | { status: 404 | 501; error: string }
  | { status: 405; error: string; allow: string; operation: string };

const PUBLISH = "/v2/publish/";

/**
 * The other areas of the QStash API (batch, enqueue, schedules, queues,
 * URL groups as `topics`, logs as `events`, signing keys, workflows): a 501 says the
 * route exists upstream but not here, where a 404 would read as a typo in the client.
 */
const NOT_SERVED = new Set([
  "batch",
  "enqueue",
  "schedules",
  "queues",
  "topics",
  "events",
  "logs",
  "keys",
  "workflows",
  "notify",
  "waiters",
]);

function expect(method: string, wanted: "GET" | "POST", route: Route): RouteMatch {
  return byMethod(method, { [wanted]: route });
}

/** One path, an operation per method; any other method is 405 with the methods the path takes. */
function byMethod(method: string, routes: Partial<Record<"GET" | "POST" | "DELETE", Route>>): RouteMatch {
  const route = routes[method as keyof typeof routes];
  if (route) return { route };
  const allow = Object.keys(routes).join(", ");
  const operation = Object.values(routes)
    .map((one) => one.operation)
    .join("/");
  return { status: 405, error: `${operation} takes ${allow}, not ${method}`, allow, operation };
}

/** `/v2/messages[/{id}]` and `/v2/dlq[/{id}]`, `/v2/dlq/retry[/{id}]`. */
function messageRoute(method: string, area: string, rest: string[], query: URLSearchParams): RouteMatch | undefined {
  const [first, second, ...extra] = rest;
  if (extra.length > 0) return undefined;
  if (area === "messages") {
    if (first === undefined) return byMethod(method, { DELETE: { operation: "cancelMessages", query } });
    if (second !== undefined || first === "") return undefined;
    return byMethod(method, {
      GET: { operation: "getMessage", rawId: first, query },
      DELETE: { operation: "cancelMessage", rawId: first, query },
    });
  }
  if (first === undefined) {
    return byMethod(method, {
      GET: { operation: "listDlq", query },
      DELETE: { operation: "deleteDlqMany", query },
    });
  }
  if (first === "retry") {
    if (second === undefined) return byMethod(method, { POST: { operation: "retryDlqMany", query } });
    return second === "" ? undefined : byMethod(method, { POST: { operation: "retryDlq", rawId: second, query } });
  }
  if (second !== undefined || first === "") return undefined;
  return byMethod(method, {
    GET: { operation: "getDlq", rawId: first, query },
    DELETE: { operation: "deleteDlq", rawId: first, query },
  });
}

export function matchRoute(method: string, target: string): RouteMatch {
  if (target.startsWith(PUBLISH)) {
    return expect(method, "POST", { operation: "publish", rest: target.slice(PUBLISH.length) });
  }
  const mark = target.indexOf("?");
  const path = mark === -1 ? target : target.slice(0, mark);
  const query = new URLSearchParams(mark === -1 ? "" : target.slice(mark + 1));
  const segments = path.split("/");
  const notFound = { status: 404, error: `no such route: ${method} ${path}` } as const;
  if (segments[0] !== "" || segments[1] !== "v2") return notFound;
  const [, , area, rawKey, action, ...extra] = segments;
  if (NOT_SERVED.has(area ?? "")) {
    return { status: 501, error: `${method} ${path} is not served by the local QStash dev server` };
  }
  if (path === "/v2/publish") return expect(method, "POST", { operation: "publish", rest: "" });
  if (area === "messages" || area === "dlq") return messageRoute(method, area, segments.slice(3), query) ?? notFound;
  if (area === "globalParallelism" && rawKey === undefined) {
    return expect(method, "GET", { operation: "globalParallelism", query });
  }
  if (area !== "flowControl" || extra.length > 0) return notFound;
  // `/v2/flowControl/` is what an empty key turns the get route into: it lists, as upstream.
  if (rawKey === undefined || (rawKey === "" && action === undefined)) {
    return expect(method, "GET", { operation: "list", query });
  }
  if (action === undefined) return expect(method, "GET", { operation: "get", rawKey, query });
  const operation = KEY_ACTIONS.find((name) => name === action);
  if (!operation) return notFound;
  return expect(method, "POST", { operation, rawKey, query });
}
