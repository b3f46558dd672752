import { describe, expectTypeOf, test } from "vitest";
import { createQStashClient } from "./index.ts";

const client = createQStashClient({ token: "t", fetch: async () => new Response(null) });
const key = { params: { path: { flowControlKey: "k" } } };

describe("the typed client's types", () => {
  test("every flow-control operation is callable with its path", async () => {
    await client.GET("/v2/flowControl");
    await client.GET("/v2/flowControl/{flowControlKey}", key);
    await client.GET("/v2/globalParallelism");
    await client.POST("/v2/flowControl/{flowControlKey}/pause", key);
    await client.POST("/v2/flowControl/{flowControlKey}/resume", key);
    await client.POST("/v2/flowControl/{flowControlKey}/resetRate", key);
    await client.POST("/v2/flowControl/{flowControlKey}/pin", {
      params: { path: { flowControlKey: "k" }, query: { parallelism: 1, rate: 2, period: 3 } },
    });
    await client.POST("/v2/flowControl/{flowControlKey}/unpin", {
      params: { path: { flowControlKey: "k" }, query: { parallelism: true, rate: false } },
    });
  });

  test("a wrong path, method or missing path param does not compile", async () => {
    // @ts-expect-error no such path
    await client.GET("/v2/flowControlX");
    // @ts-expect-error pause is a POST
    await client.GET("/v2/flowControl/{flowControlKey}/pause", key);
    // @ts-expect-error the path param is required
    await client.POST("/v2/flowControl/{flowControlKey}/pause", { params: { path: {} } });
    // @ts-expect-error init with the path param is required
    await client.POST("/v2/flowControl/{flowControlKey}/pause");
  });

  test("query params keep their spec types", async () => {
    await client.POST("/v2/flowControl/{flowControlKey}/pin", {
      // @ts-expect-error pin values are integers, not strings
      params: { path: { flowControlKey: "k" }, query: { parallelism: "1" } },
    });
    await client.POST("/v2/flowControl/{flowControlKey}/unpin", {
      // @ts-expect-error unpin flags are booleans
      params: { path: { flowControlKey: "k" }, query: { rate: 1 } },
    });
  });

  test("per-call retry options are type-checked", async () => {
    await client.POST("/v2/flowControl/{flowControlKey}/pause", {
      ...key,
      maxRetries: 0,
      timeout: 1000,
    });
    // @ts-expect-error maxRetries is a number
    await client.POST("/v2/flowControl/{flowControlKey}/pause", { ...key, maxRetries: "1" });
  });

  test("responses have the spec's shapes", async () => {
    const one = await client.GET("/v2/flowControl/{flowControlKey}", key);
    expectTypeOf(one.data?.waitListSize).toEqualTypeOf<number | undefined>();
    expectTypeOf(one.data?.isPaused).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(one.error).toEqualTypeOf<{ error: string } | undefined>();
    const all = await client.GET("/v2/flowControl");
    expectTypeOf(all.data).toMatchTypeOf<unknown[] | undefined>();
    const global = await client.GET("/v2/globalParallelism");
    expectTypeOf(global.data?.parallelismMax).toEqualTypeOf<number | undefined>();
  });

  test("a key's messages: multi-value filters are lists, undeclared filters do not compile", async () => {
    const cancelled = await client.DELETE("/v2/messages", {
      params: { query: { flowControlKey: ["a", "b"], count: 500 } },
      maxRetries: 0,
    });
    expectTypeOf(cancelled.data?.cancelled).toEqualTypeOf<number | undefined>();
    // @ts-expect-error a multi-value filter is a list
    await client.DELETE("/v2/messages", { params: { query: { flowControlKey: "a" } } });
    // @ts-expect-error upstream's DLQ list takes no flowControlKey filter
    await client.GET("/v2/dlq", { params: { query: { flowControlKey: ["a"] } } });
    const page = await client.GET("/v2/dlq", { params: { query: { cursor: "c" } } });
    expectTypeOf(page.data?.cursor).toEqualTypeOf<string | undefined>();
    expectTypeOf(page.data?.messages?.[0]?.flowControlKey).toEqualTypeOf<string | undefined>();
    // @ts-expect-error maxRetries is a number, on DELETE too
    await client.DELETE("/v2/dlq", { params: { query: {} }, maxRetries: "1" });
  });
});
