import { handlerFetch } from "@qstash-flow/test-utils";
import { expect, test } from "vitest";
import { createQStashClient } from "./client.js";
import { ValidationError } from "./errors.js";

test.each(["header", "query"] as const)("surrounding whitespace is trimmed from the token (%s)", async (authScheme) => {
  const mock = handlerFetch(() => new Response("[]"));
  const client = createQStashClient({ token: "  tok-123\n", authScheme, fetch: mock.fetch });
  await client.GET("/v2/flowControl");
  const [request] = mock.requests;
  if (authScheme === "header") expect(request?.headers.get("authorization")).toBe("Bearer tok-123");
  else expect(request?.url.searchParams.get("qstash_token")).toBe("tok-123");
});

test.each([
  ["an inner newline", "qx7\n123"],
  ["an inner space", "qx7 123"],
  ["a NUL", "qx7\u0000"],
  ["non-ASCII", "qx7ö"],
])("a token with %s is refused without being quoted", (_, token) => {
  const attempt = () => createQStashClient({ token });
  expect(attempt).toThrow(ValidationError);
  expect(attempt).toThrow(/^token must be a non-empty string of visible ASCII/);
  expect(attempt).not.toThrow(/qx7/);
});
