import { describe, expect, test } from "vitest";
import { type HostRule, isAllowedDestination, isLoopback, parseDestination, parseHostRule } from "./destination.ts";

describe("parseDestination", () => {
  test("a percent-encoded destination is decoded once; the query after it is the server's", () => {
    const parsed = parseDestination(`${encodeURIComponent("http://127.0.0.1:9/hook?a=1&b=%2F")}?qstash_token=t`);
    expect(parsed).toEqual({ url: new URL("http://127.0.0.1:9/hook?a=1&b=%2F"), token: "t" });
  });

  test("a raw destination keeps its query, less the token", () => {
    const parsed = parseDestination("https://localhost:8443/a/b?x=1&qstash_token=t&y=2");
    if ("error" in parsed) throw new Error(parsed.error);
    expect(parsed.url.href).toBe("https://localhost:8443/a/b?x=1&y=2");
    expect(parsed.token).toBe("t");
  });

  test("a raw destination without a query has no token", () => {
    expect(parseDestination("http://127.0.0.1/x")).toEqual({ url: new URL("http://127.0.0.1/x"), token: undefined });
  });

  test.each([
    ["", "missing"],
    ["example.com/hook", "full http(s) URL"],
    ["ftp%3A%2F%2F127.0.0.1%2F", "full http(s) URL"],
    ["http%3A%2F%2F%E0%A4%A", "malformed"],
    ["http://", "is not one"],
  ])("refuses %j", (rest, problem) => {
    const parsed = parseDestination(rest);
    expect("error" in parsed && parsed.error).toContain(problem);
  });
});

describe("loopback and allowed hosts", () => {
  test.each([
    "http://127.0.0.1/",
    "http://127.8.9.10:80/",
    "http://localhost:3000/x",
    "http://[::1]:9/",
    "http://[::ffff:127.0.0.1]/",
    "http://0x7f.1/",
  ])("%s is loopback", (url) => {
    expect(isLoopback(new URL(url))).toBe(true);
  });

  test.each([
    "http://128.0.0.1/",
    "http://localhost.example.com/",
    "http://127.0.0.1.nip.io/",
    "http://[::2]/",
    "http://0.0.0.0/",
  ])("%s is not loopback", (url) => {
    expect(isLoopback(new URL(url))).toBe(false);
  });

  test("rules: exact hosts, subdomain wildcards, any", () => {
    const rules = ["API.example.com", "*.hooks.dev", "10.0.0.7", "::2"].map(parseHostRule) as HostRule[];
    const allowed = (url: string) => isAllowedDestination(new URL(url), rules);
    expect(allowed("https://api.example.com/x")).toBe(true);
    expect(allowed("https://other.example.com/x")).toBe(false);
    expect(allowed("https://a.b.hooks.dev/")).toBe(true);
    expect(allowed("https://hooks.dev/")).toBe(false);
    expect(allowed("http://10.0.0.7:81/")).toBe(true);
    expect(allowed("http://[::2]/")).toBe(true);
    expect(isAllowedDestination(new URL("https://anything.test/"), [{ any: true }])).toBe(true);
  });

  test.each(["", "https://example.com", "example.com/path", "*.", "exa mple.com"])("refuses the rule %j", (entry) => {
    expect(typeof parseHostRule(entry)).toBe("string");
  });
});
