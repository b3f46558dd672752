import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { redactError, redactText, secretSpellings } from "./redact.js";

// Characters that a URL query or JSON would escape, as real tokens may hold.
const SECRET = 'eyJ+tok/en=="q';

function everything(value: unknown): string {
  const error = value as Error;
  return [String(value), error.message, error.stack, inspect(value, { depth: 10 }), JSON.stringify(value)].join("\n");
}

describe("secretSpellings", () => {
  test("the raw token and its URL, form and JSON spellings", () => {
    expect(secretSpellings(SECRET)).toEqual(
      expect.arrayContaining([
        SECRET,
        encodeURIComponent(SECRET),
        new URLSearchParams({ qstash_token: SECRET }).toString().replace("qstash_token=", ""),
        JSON.stringify(SECRET).slice(1, -1),
      ]),
    );
  });
});

describe("redactText", () => {
  test("cuts every spelling", () => {
    const url = new URL("https://h/v2/flowControl");
    url.searchParams.set("qstash_token", SECRET);
    const text = `raw ${SECRET}, in a URL ${url.href}, in JSON ${JSON.stringify({ token: SECRET })}`;
    const redacted = redactText(text, SECRET);
    for (const spelling of secretSpellings(SECRET)) expect(redacted).not.toContain(spelling);
    expect(redacted).toContain("[redacted]");
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
    for (const spelling of secretSpellings(SECRET)) expect(shown).not.toContain(spelling);
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
});
