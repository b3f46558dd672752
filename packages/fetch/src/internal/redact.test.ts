import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { mentionsSecret, redactError, redactText } from "./redact.js";

// Characters that a URL query or JSON would escape, as real tokens may hold.
const SECRET = 'eyJ+tok/en=="q';

function everything(value: unknown): string {
  const error = value as Error;
  return [String(value), error.message, error.stack, inspect(value, { depth: 10 }), JSON.stringify(value)].join("\n");
}

/** The spellings a server, a proxy or a fetch implementation may write the secret in. */
function spellings(secret: string): Record<string, string> {
  const uri = encodeURIComponent(secret);
  return {
    raw: secret,
    encodeURIComponent: uri,
    "lower-case hex": uri.replace(/%[0-9A-F]{2}/g, (encoded) => encoded.toLowerCase()),
    "every character encoded": [...secret].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(""),
    "only some characters encoded (slash left raw)": uri.replace(/%2F/g, "/"),
    form: new URLSearchParams({ qstash_token: secret }).toString().replace("qstash_token=", ""),
    JSON: JSON.stringify(secret).slice(1, -1),
    "JSON with escaped slashes": JSON.stringify(secret).slice(1, -1).replace(/\//g, "\\/"),
    "JSON with \\u escapes": [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
  };
}

describe("redactText", () => {
  test.each(Object.entries(spellings(SECRET)))("cuts the secret spelled %s", (_, spelling) => {
    const text = `before ${spelling} between ${spelling} after`;
    expect(mentionsSecret(text, SECRET)).toBe(true);
    expect(redactText(text, SECRET)).toBe("before [redacted] between [redacted] after");
  });

  test("cuts it from a URL and a JSON body at once", () => {
    const url = new URL("https://h/v2/flowControl");
    url.searchParams.set("qstash_token", SECRET);
    const text = `raw ${SECRET}, in a URL ${url.href}, in JSON ${JSON.stringify({ token: SECRET })}`;
    expect(redactText(text, SECRET)).toBe(
      'raw [redacted], in a URL https://h/v2/flowControl?qstash_token=[redacted], in JSON {"token":"[redacted]"}',
    );
  });

  test("leaves text alone that only resembles the secret", () => {
    const text = `${SECRET.slice(0, -1)} ${SECRET.slice(1)} ${SECRET.replace("+", "-")}`;
    expect(mentionsSecret(text, SECRET)).toBe(false);
    expect(redactText(text, SECRET)).toBe(text);
    expect(redactText("", SECRET)).toBe("");
  });

  test("tokens are case-sensitive: a case-changed copy is another string and stays", () => {
    const text = `a ${SECRET.toUpperCase()} b ${SECRET.toLowerCase()}`;
    expect(mentionsSecret(text, SECRET)).toBe(false);
    expect(redactText(text, SECRET)).toBe(text);
  });

  test("a short token is not cut from free text, only where a request carries it", () => {
    const text = "fetch failed (bad port) for t";
    expect(redactText(text, "t")).toBe(text);
    expect(redactText("GET /v2/flowControl?qstash_token=t&x=1 failed", "t")).toBe(
      "GET /v2/flowControl?qstash_token=[redacted]&x=1 failed",
    );
    expect(redactText("sent authorization: Bearer t, refused", "t")).toBe(
      "sent authorization: Bearer [redacted], refused",
    );
    // Another token after the same words is not this client's: left alone.
    expect(redactText("?qstash_token=tt Bearer tt", "t")).toBe("?qstash_token=tt Bearer tt");
    expect(redactText(`?qstash_token=${encodeURIComponent("a/b")}`, "a/b")).toBe("?qstash_token=[redacted]");
  });

  test("the pattern keeps no state between calls", () => {
    for (let i = 0; i < 3; i++) expect(mentionsSecret(`x ${SECRET}`, SECRET)).toBe(true);
  });
});

describe("redactError", () => {
  test("an error that does not mention the secret is returned as is", () => {
    const error = new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") });
    expect(redactError(error, SECRET)).toBe(error);
  });

  test("message, stack, own properties, causes and nested errors are all cleaned", () => {
    const url = `https://h/v2/flowControl?qstash_token=${encodeURIComponent(SECRET)}`;
    const inner = Object.assign(new Error(`connect to ${url} refused`), { code: "ECONNREFUSED", url });
    const aggregate = new AggregateError([inner], `all attempts to ${url} failed`);
    const outer = Object.assign(new TypeError(`Failed to fetch ${url}`, { cause: aggregate }), {
      request: { url, headers: { authorization: `Bearer ${SECRET}` } },
    });
    const redacted = redactError(outer, SECRET) as Error & { request: unknown };
    const shown = everything(redacted);
    for (const spelling of Object.values(spellings(SECRET))) expect(shown).not.toContain(spelling);
    expect(redacted.name).toBe("TypeError");
    expect(redacted.message).toBe("Failed to fetch https://h/v2/flowControl?qstash_token=[redacted]");
    const cause = redacted.cause as AggregateError;
    expect(cause.errors[0]).toMatchObject({ code: "ECONNREFUSED" });
    expect(redacted.request).toEqual({
      url: "https://h/v2/flowControl?qstash_token=[redacted]",
      headers: { authorization: "Bearer [redacted]" },
    });
  });

  test("a cycle does not hang", () => {
    const error = new Error(`token ${SECRET}`) as Error & { self?: unknown };
    error.self = error;
    expect(everything(redactError(error, SECRET))).not.toContain(SECRET);
  });

  test("a thrown string is cleaned too", () => {
    expect(redactError(`bad ${SECRET}`, SECRET)).toBe("bad [redacted]");
  });

  test.each([
    ["a URL", () => new URL(`https://h/v2/flowControl?qstash_token=${encodeURIComponent(SECRET)}`)],
    ["URLSearchParams", () => new URLSearchParams({ qstash_token: SECRET })],
    ["Headers", () => new Headers({ authorization: `Bearer ${SECRET}` })],
    ["a Request", () => new Request("https://h/v2/flowControl", { headers: { authorization: `Bearer ${SECRET}` } })],
    ["a Request whose URL has it", () => new Request(`https://h/?qstash_token=${encodeURIComponent(SECRET)}`)],
    ["a Response", () => new Response(null, { headers: { "x-echo": SECRET } })],
    ["a Map", () => new Map([["authorization", `Bearer ${SECRET}`]])],
    ["a Set", () => new Set([SECRET])],
  ])("%s attached to an error, whose contents are not own properties, is cut out", (_, make) => {
    const error = Object.assign(new TypeError("fetch failed"), { attached: make() });
    expect(inspect(error, { depth: 10 })).toContain("eyJ"); // the test's premise: it shows
    const redacted = redactError(error, SECRET) as TypeError & { attached: unknown };
    expect(redacted).not.toBe(error);
    expect(redacted.attached).toBe("[redacted]");
    expect(everything(redacted)).not.toContain("eyJ");
    expect(redacted.message).toBe("fetch failed");
  });

  test("such objects are cut out even when they do not hold the secret: nothing can tell", () => {
    const error = Object.assign(new TypeError("fetch failed"), { headers: new Headers({ accept: "text/plain" }) });
    expect((redactError(error, SECRET) as { headers: unknown }).headers).toBe("[redacted]");
  });

  test("an endless iterable attached to an error does not hang", () => {
    const endless = {
      *[Symbol.iterator]() {
        for (;;) yield "x";
      },
    };
    const error = Object.assign(new Error(`token ${SECRET}`), { endless: Object.create(endless) });
    expect(everything(redactError(error, SECRET))).not.toContain("eyJ");
  });
});
