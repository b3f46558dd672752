import { describe, expect, test } from "vitest";
import { matchRoute } from "./routes.ts";

const operation = (method: string, target: string) => {
  const match = matchRoute(method, target);
  return "route" in match ? match.route.operation : match.status;
};

describe("matchRoute", () => {
  test.each([
    ["GET", "/v2/flowControl", "list"],
    ["GET", "/v2/flowControl/", "list"],
    ["GET", "/v2/flowControl?qstash_token=t", "list"],
    ["GET", "/v2/flowControl/k", "get"],
    ["POST", "/v2/flowControl/k/pause", "pause"],
    ["POST", "/v2/flowControl/k/resume", "resume"],
    ["POST", "/v2/flowControl/k/pin?rate=1", "pin"],
    ["POST", "/v2/flowControl/k/unpin", "unpin"],
    ["POST", "/v2/flowControl/k/resetRate", "resetRate"],
    ["POST", "/v2/flowControl//pause", "pause"],
    ["GET", "/v2/globalParallelism", "globalParallelism"],
    ["POST", "/v2/publish/http://127.0.0.1/x", "publish"],
    ["POST", "/v2/publish", "publish"],
  ])("%s %s is %s", (method, target, expected) => {
    expect(operation(method, target)).toBe(expected);
  });

  test.each([
    ["GET", "/v2/flowControl/k/pause"],
    ["POST", "/v2/flowControl"],
    ["DELETE", "/v2/flowControl/k"],
    ["GET", "/v2/publish/http://127.0.0.1/x"],
  ])("%s %s is the wrong method", (method, target) => {
    expect(operation(method, target)).toBe(405);
  });

  test.each([
    "/",
    "/v1/flowControl",
    "/v2/flowControl/k/stop",
    "/v2/flowControl/k/pause/extra",
    "/v2/globalParallelism/x",
    "http://host/v2/flowControl",
  ])("%s is not a route", (target) => {
    expect(operation("GET", target)).toBe(404);
  });

  test.each([
    ["POST", "/v2/batch"],
    ["POST", "/v2/enqueue/q/http://127.0.0.1/x"],
    ["GET", "/v2/schedules"],
    ["POST", "/v2/queues/q/pause"],
    ["GET", "/v2/topics"],
    ["GET", "/v2/events"],
    ["GET", "/v2/logs"],
    ["GET", "/v2/keys"],
    ["GET", "/v2/workflows/runs"],
  ])("%s %s is an upstream route not served here: 501 naming it, without the query", (method, target) => {
    const match = matchRoute(method, target);
    expect(match).toEqual({
      status: 501,
      error: `${method} ${target.split("?")[0]} is not served by the local QStash dev server`,
    });
  });

  test.each([
    ["GET", "/v2/messages/msg_1", "getMessage"],
    ["DELETE", "/v2/messages/msg_1", "cancelMessage"],
    ["DELETE", "/v2/messages?flowControlKey=k", "cancelMessages"],
    ["GET", "/v2/dlq?count=2", "listDlq"],
    ["DELETE", "/v2/dlq", "deleteDlqMany"],
    ["GET", "/v2/dlq/1-0", "getDlq"],
    ["DELETE", "/v2/dlq/1-0", "deleteDlq"],
    ["POST", "/v2/dlq/retry", "retryDlqMany"],
    ["POST", "/v2/dlq/retry/1-0", "retryDlq"],
  ])("%s %s is %s", (method, target, name) => {
    const match = matchRoute(method, target);
    expect("route" in match && match.route.operation).toBe(name);
  });

  test.each([
    ["POST", "/v2/messages", "DELETE"],
    ["PUT", "/v2/messages/msg_1", "GET, DELETE"],
    ["POST", "/v2/dlq", "GET, DELETE"],
    ["GET", "/v2/dlq/retry", "POST"],
    ["DELETE", "/v2/dlq/retry/1-0", "POST"],
  ])("%s %s is 405 allowing %s", (method, target, allow) => {
    expect(matchRoute(method, target)).toMatchObject({ status: 405, allow });
  });

  test.each(["/v2/messages/", "/v2/messages/a/b", "/v2/dlq/", "/v2/dlq/1-0/x", "/v2/dlq/retry/"])(
    "%s is not a route",
    (target) => {
      expect(operation("GET", target)).toBe(404);
    },
  );

  test("the key segment is kept raw, for the handler to decode once", () => {
    const match = matchRoute("POST", "/v2/flowControl/a%252Fb%2Fc/pin?rate=1");
    expect("route" in match && match.route).toMatchObject({ operation: "pin", rawKey: "a%252Fb%2Fc" });
  });
});
