import { describe, expectTypeOf, test } from "vitest";
import { type components, createQStashTransport } from "./index.ts";

const transport = createQStashTransport({ token: "t", fetch: async () => new Response(null) });
const key = { path: { flowControlKey: "k" } };

describe("the transport's types", () => {
  test("results are the spec's success bodies", () => {
    expectTypeOf(transport.request("get", "/v2/flowControl")).resolves.toEqualTypeOf<
      components["schemas"]["FlowControlKey"][]
    >();
    expectTypeOf(transport.request("get", "/v2/flowControl/{flowControlKey}", key)).resolves.toEqualTypeOf<
      components["schemas"]["FlowControlKey"]
    >();
    expectTypeOf(transport.request("post", "/v2/flowControl/{flowControlKey}/pause", key)).resolves.toBeUnknown();
  });

  test("a wrong path, method, missing or mistyped parameter does not compile", async () => {
    // @ts-expect-error no such path
    await transport.request("get", "/v2/flowControlX");
    // @ts-expect-error pause is a POST
    await transport.request("get", "/v2/flowControl/{flowControlKey}/pause", key);
    // @ts-expect-error the path parameter is required
    await transport.request("post", "/v2/flowControl/{flowControlKey}/pause");
    // @ts-expect-error the path parameter is required
    await transport.request("post", "/v2/flowControl/{flowControlKey}/pause", { path: {} });
    // @ts-expect-error pin values are integers, not strings
    await transport.request("post", "/v2/flowControl/{flowControlKey}/pin", { ...key, query: { rate: "1" } });
    // @ts-expect-error unpin flags are booleans
    await transport.request("post", "/v2/flowControl/{flowControlKey}/unpin", { ...key, query: { rate: 1 } });
    // An optional query may be given as undefined, as with exactOptionalPropertyTypes a
    // caller's conditional values are.
    await transport.request("post", "/v2/flowControl/{flowControlKey}/pin", { ...key, query: undefined });
    // @ts-expect-error list takes no query
    await transport.request("get", "/v2/flowControl", { query: { rate: 1 } });
    // @ts-expect-error call options are checked
    await transport.request("get", "/v2/flowControl", {}, { retries: 1 });
    await transport.request(
      "post",
      "/v2/flowControl/{flowControlKey}/pin",
      { ...key, query: { period: 60 } },
      { timeout: 1 },
    );
  });
});
