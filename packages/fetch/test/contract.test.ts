// Contract tests: every request the client sends is checked by Prism, a mock server
// driven by the merged spec. With --errors, Prism answers a request the spec does not
// allow with a 4xx and an `sl-violations` header, which fails the test.
import { type MockServer, queryParameterSchema, startPrism, valueOutside } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createQStashClient, type QStashClient } from "../src/index.ts";

let prism: MockServer;
let client: QStashClient;

beforeAll(async () => {
  prism = await startPrism();
  client = createQStashClient({ token: "contract-token", baseUrl: prism.url, maxRetries: 0 });
});

afterAll(async () => {
  await prism?.close();
});

const key = (flowControlKey: string) => ({ params: { path: { flowControlKey } } });

function accepted(response: Response) {
  expect(response.headers.get("sl-violations"), prism.output().slice(-2000)).toBeNull();
  expect(response.status).toBe(200);
}

describe("every operation matches the spec", () => {
  test("list", async () => {
    const { data, response } = await client.GET("/v2/flowControl");
    accepted(response);
    expect(Array.isArray(data)).toBe(true);
  });

  test("get", async () => {
    const { data, response } = await client.GET("/v2/flowControl/{flowControlKey}", key("orders/eu"));
    accepted(response);
    expect(typeof data).toBe("object");
  });

  test.each(["pause", "resume", "resetRate"] as const)("%s", async (action) => {
    const { response } = await client.POST(`/v2/flowControl/{flowControlKey}/${action}`, {
      ...key("a key?#"),
      parseAs: "text",
    });
    accepted(response);
  });

  test("pin", async () => {
    const { response } = await client.POST("/v2/flowControl/{flowControlKey}/pin", {
      params: { path: { flowControlKey: "k" }, query: { parallelism: 2, rate: 10, period: 60 } },
      parseAs: "text",
    });
    accepted(response);
  });

  test("unpin", async () => {
    const { response } = await client.POST("/v2/flowControl/{flowControlKey}/unpin", {
      params: { path: { flowControlKey: "k" }, query: { parallelism: true, rate: false } },
      parseAs: "text",
    });
    accepted(response);
  });

  test("globalParallelism", async () => {
    const { data, response } = await client.GET("/v2/globalParallelism");
    accepted(response);
    expect(typeof data).toBe("object");
  });
});

describe("a key's messages and dead letters match the spec", () => {
  // Multi-value filters go as repeated names (one of the two forms upstream documents).
  const filter = { flowControlKey: ["orders/eu", "a key?#"] };

  test("bulk cancel, with a key filter and a count", async () => {
    const { data, response } = await client.DELETE("/v2/messages", { params: { query: { ...filter, count: 500 } } });
    accepted(response);
    expect(typeof data).toBe("object");
  });

  test("get and cancel one message", async () => {
    const one = { params: { path: { messageId: "msg_123" } } };
    accepted((await client.GET("/v2/messages/{messageId}", one)).response);
    accepted((await client.DELETE("/v2/messages/{messageId}", { ...one, parseAs: "text" })).response);
  });

  test("list dead letters, paged", async () => {
    const { data, response } = await client.GET("/v2/dlq", { params: { query: { cursor: "c", count: 100 } } });
    accepted(response);
    expect(typeof data).toBe("object");
  });

  test("bulk retry, with a key filter", async () => {
    const { response } = await client.POST("/v2/dlq/retry", { params: { query: filter } });
    expect(response.headers.get("sl-violations"), prism.output().slice(-2000)).toBeNull();
    expect(response.status).toBe(201);
  });

  test("bulk delete, with a key filter, count and cursor", async () => {
    const { data, response } = await client.DELETE("/v2/dlq", {
      params: { query: { ...filter, count: 100, cursor: "c" } },
    });
    accepted(response);
    expect(typeof data).toBe("object");
  });
});

describe("the mock server rejects what the spec does not allow", () => {
  test("a pin value outside what the spec declares", async () => {
    // what is outside comes from the generated surface: a minimum where upstream states one, else the type
    const refused = valueOutside(queryParameterSchema("post", "/v2/flowControl/{flowControlKey}/pin", "parallelism"));
    const { response } = await client.POST("/v2/flowControl/{flowControlKey}/pin", {
      params: { path: { flowControlKey: "k" }, query: { parallelism: refused as unknown as number } },
      parseAs: "text",
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get("sl-violations")).toContain("parallelism");
  });

  test("a request without credentials", async () => {
    const response = await fetch(`${prism.url}/v2/flowControl/k/pause`, { method: "POST" });
    expect(response.status).toBe(401);
  });
});
