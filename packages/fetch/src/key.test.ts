import { handlerFetch } from "@qstash-flow/test-utils";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { createQStashClient } from "./client.js";
import { ValidationError } from "./errors.js";
import { assertValidKey, encodeKey, keyProblem, safePathSerializer } from "./key.js";

const REFUSED: [string, unknown][] = [
  ["empty", ""],
  ["dot", "."],
  ["dot-dot", ".."],
  ["encoded dot", "%2e"],
  ["encoded dot, upper case", "%2E"],
  ["encoded dot-dot", "%2e%2e"],
  ["half-encoded dot-dot", ".%2E"],
  ["other half-encoded dot-dot", "%2e."],
  ["NUL", "a\u0000b"],
  ["newline", "a\nb"],
  ["tab", "\t"],
  ["DEL", "a\u007f"],
  ["C1 control", "a\u0085b"],
  ["lone high surrogate", "a\ud800"],
  ["lone low surrogate", "\udc00b"],
  ["number", 42],
  ["null", null],
  ["undefined", undefined],
  ["object", { toString: () => "k" }],
  ["array", ["k"]],
];

const ACCEPTED: [string, string][] = [
  ["plain", "orders"],
  ["three dots", "..."],
  ["dot inside", "a.b"],
  ["dot-dot inside", "a/../b"],
  ["encoded slash, as text", "%2F"],
  ["a lone percent", "%"],
  ["space", " "],
  ["slash", "/"],
  ["question mark and hash", "?#"],
  ["non-ASCII", "ü"],
  ["emoji", "🚦"],
  ["line separator (not a control)", "a\u2028b"],
];

describe("keyProblem", () => {
  test.each(REFUSED)("refuses %s", (_, key) => {
    expect(keyProblem(key)).toEqual(expect.any(String));
    expect(() => assertValidKey(key)).toThrow(ValidationError);
  });

  test.each(ACCEPTED)("accepts %s", (_, key) => {
    expect(keyProblem(key)).toBeUndefined();
  });

  test("the refusal names the operation and the key", () => {
    const attempt = () => assertValidKey("..", { operation: "pause" });
    expect(attempt).toThrow('QStash pause for key ".." failed: the key ".." is a dot-segment');
  });

  test("a non-string key is reported by its type", () => {
    expect(keyProblem(7)).toBe("the key must be a string, got number");
    expect(keyProblem(null)).toBe("the key must be a string, got null");
  });
});

describe("encodeKey", () => {
  test.each([
    ["a/b", "a%2Fb"],
    ["a?x=1", "a%3Fx%3D1"],
    ["a#b", "a%23b"],
    ["%2F", "%252F"],
    ["a b", "a%20b"],
    ["ü", "%C3%BC"],
    ["🚦", "%F0%9F%9A%A6"],
    ["...", "..."],
  ])("%o becomes the single segment %o", (key, segment) => {
    expect(encodeKey(key)).toBe(segment);
    // exactly once: decoding once gives the key back
    expect(decodeURIComponent(encodeKey(key))).toBe(key);
    expect(encodeKey(key)).not.toMatch(/[/?#]/);
  });
});

describe("safePathSerializer", () => {
  test("fills every parameter as one encoded segment", () => {
    const url = safePathSerializer("https://h/v2/flowControl/{flowControlKey}/pause", { flowControlKey: "a/b" });
    expect(url).toBe("https://h/v2/flowControl/a%2Fb/pause");
  });

  test("a key that looks like a placeholder is encoded, not expanded", () => {
    const url = safePathSerializer("/x/{a}/{b}", { a: "{b}", b: "c" });
    expect(url).toBe("/x/%7Bb%7D/c");
  });

  test("text outside placeholders is kept as it is", () => {
    expect(safePathSerializer("/v2/globalParallelism", {})).toBe("/v2/globalParallelism");
    expect(safePathSerializer("/a/{}/{b}/c{", { b: "x y" })).toBe("/a/{}/x%20y/c{");
    expect(safePathSerializer("{a}{b}", { a: "1", b: "2" })).toBe("12");
  });

  test("fills the same placeholders as /\\{([^}]+)\\}/g, on any template", () => {
    const template = fc.stringMatching(/^[a-z/{}.]{0,16}$/);
    fc.assert(
      fc.property(template, (pathname) => {
        const params = new Proxy({}, { get: (_, name) => `<${String(name)}>` });
        const expected = pathname.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(`<${name}>`));
        expect(safePathSerializer(pathname, params)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  test.each([
    [{}, "missing"],
    [{ flowControlKey: ".." }, "dot-segment"],
    [{ flowControlKey: 3 }, "must be a string"],
  ])("refuses %o", (params, message) => {
    expect(() => safePathSerializer("/v2/flowControl/{flowControlKey}", params)).toThrow(
      expect.objectContaining({ name: "ValidationError", message: expect.stringContaining(message) }),
    );
  });
});

describe("the typed client", () => {
  test.each([
    ["no params", {}],
    ["params without path", { params: { query: {} } }],
    ["an empty path", { params: { path: {} } }],
    ["an undefined key", { params: { path: { flowControlKey: undefined } } }],
  ])("refuses a call with %s, and sends nothing", async (_, init) => {
    const mock = handlerFetch(() => new Response(null));
    const client = createQStashClient({ token: "test-token", fetch: mock.fetch });
    await expect(client.POST("/v2/flowControl/{flowControlKey}/pause", init as never)).rejects.toThrow(
      expect.objectContaining({ name: "ValidationError", message: expect.stringContaining("flowControlKey") }),
    );
    expect(mock.requests).toHaveLength(0);
  });

  test("routes without parameters still work without params", async () => {
    const mock = handlerFetch(() => new Response("[]", { headers: { "content-type": "application/json" } }));
    const client = createQStashClient({ token: "test-token", fetch: mock.fetch });
    expect((await client.GET("/v2/flowControl")).data).toEqual([]);
    expect(mock.requests[0]?.url.pathname).toBe("/v2/flowControl");
  });
});
