import { handlerFetch } from "@qstash-flow/test-utils";
import { describe, expect, test } from "vitest";
import {
  credentialsFromEnv,
  ENV_REGIONS,
  envRegion,
  FlowControl,
  MissingTokenError,
  ValidationError,
} from "./index.ts";
import { REGIONS } from "@qstash-flow/fetch";

const PLAIN = { QSTASH_URL: "http://plain.test", QSTASH_TOKEN: "plain-token" };
const US = { US_EAST_1_QSTASH_URL: "http://us.test", US_EAST_1_QSTASH_TOKEN: "us-token" };
const EU = { EU_CENTRAL_1_QSTASH_URL: "http://eu.test", EU_CENTRAL_1_QSTASH_TOKEN: "eu-token" };

describe("credentialsFromEnv", () => {
  test("reads QSTASH_URL and QSTASH_TOKEN when no region is set, and says so", () => {
    expect(credentialsFromEnv({ ...PLAIN, ...US })).toEqual({
      token: "plain-token",
      baseUrl: "http://plain.test",
      region: undefined,
      tokenFrom: "QSTASH_TOKEN",
      baseUrlFrom: "QSTASH_URL",
      warning: undefined,
    });
  });

  test.each(["US_EAST_1", "us-east-1", "Us_East-1", " us_east_1 "])("QSTASH_REGION=%j selects the US pair", (value) => {
    expect(credentialsFromEnv({ ...PLAIN, ...US, ...EU, QSTASH_REGION: value })).toMatchObject({
      token: "us-token",
      baseUrl: "http://us.test",
      tokenFrom: "US_EAST_1_QSTASH_TOKEN",
      baseUrlFrom: "US_EAST_1_QSTASH_URL",
      warning: undefined,
    });
  });

  test("the EU region has its own pair", () => {
    expect(credentialsFromEnv({ ...PLAIN, ...US, ...EU, QSTASH_REGION: "eu-central-1" })).toMatchObject({
      token: "eu-token",
      baseUrl: "http://eu.test",
    });
  });

  test("an incomplete region pair is not mixed with the plain one: both fall back, with a warning", () => {
    const found = credentialsFromEnv({ ...PLAIN, US_EAST_1_QSTASH_URL: "http://us.test", QSTASH_REGION: "US_EAST_1" });
    expect(found).toMatchObject({ token: "plain-token", baseUrl: "http://plain.test", tokenFrom: "QSTASH_TOKEN" });
    expect(found.warning).toBe(
      "QSTASH_REGION is US_EAST_1 but US_EAST_1_QSTASH_TOKEN is not set: falling back to QSTASH_URL and QSTASH_TOKEN",
    );
    expect(credentialsFromEnv({ ...PLAIN, QSTASH_REGION: "EU_CENTRAL_1", EU_CENTRAL_1_QSTASH_URL: " " }).warning).toBe(
      "QSTASH_REGION is EU_CENTRAL_1 but EU_CENTRAL_1_QSTASH_URL and EU_CENTRAL_1_QSTASH_TOKEN are not set: " +
        "falling back to QSTASH_URL and QSTASH_TOKEN",
    );
  });

  test("an unknown region falls back with a warning naming the value", () => {
    const found = credentialsFromEnv({ ...PLAIN, QSTASH_REGION: "mars-1" });
    expect(found).toMatchObject({ token: "plain-token", baseUrl: "http://plain.test" });
    expect(found.warning).toBe(
      'QSTASH_REGION is "mars-1", not one of EU_CENTRAL_1, US_EAST_1: falling back to QSTASH_URL and QSTASH_TOKEN',
    );
  });

  test("explicit options win, each on its own; with both given the environment is not read", () => {
    const env = { ...PLAIN, ...US, QSTASH_REGION: "us-east-1" };
    expect(credentialsFromEnv(env, { token: "given" })).toMatchObject({
      token: "given",
      tokenFrom: "options",
      baseUrl: "http://us.test",
      baseUrlFrom: "US_EAST_1_QSTASH_URL",
    });
    expect(credentialsFromEnv(env, { region: "eu-central-1" })).toMatchObject({
      token: "plain-token",
      tokenFrom: "QSTASH_TOKEN",
      baseUrl: undefined,
      region: "eu-central-1",
      baseUrlFrom: "options",
    });
    // An explicit region takes its own token, whatever QSTASH_REGION says, and warns of nothing.
    expect(credentialsFromEnv({ ...env, ...EU }, { region: "eu-central-1" })).toMatchObject({
      token: "eu-token",
      tokenFrom: "EU_CENTRAL_1_QSTASH_TOKEN",
      warning: undefined,
    });
    expect(credentialsFromEnv({ ...PLAIN, QSTASH_REGION: "mars" }, { region: "us-east-1" }).warning).toBeUndefined();
    expect(credentialsFromEnv({ QSTASH_REGION: "nowhere" }, { token: "t", baseUrl: "http://x.test" })).toEqual({
      token: "t",
      baseUrl: "http://x.test",
      region: undefined,
      tokenFrom: "options",
      baseUrlFrom: "options",
      warning: undefined,
    });
  });

  test("blank variables count as unset", () => {
    expect(credentialsFromEnv({ QSTASH_TOKEN: " ", QSTASH_URL: "", QSTASH_REGION: "" })).toMatchObject({
      token: undefined,
      baseUrl: undefined,
      tokenFrom: undefined,
      warning: undefined,
    });
  });

  test("envRegion takes any case and either separator, nothing else", () => {
    expect(["eu-central-1", "EU_CENTRAL_1", "us_EAST-1", "us-east-2", "eu"].map(envRegion)).toEqual([
      "EU_CENTRAL_1",
      "EU_CENTRAL_1",
      "US_EAST_1",
      undefined,
      undefined,
    ]);
  });
});

describe("FlowControl.fromEnv", () => {
  test("sends to the region's URL with the region's token", async () => {
    const mock = handlerFetch(() => new Response(null));
    const flow = FlowControl.fromEnv({ ...PLAIN, ...US, QSTASH_REGION: "us-east-1" }, { fetch: mock.fetch });
    await flow.pause("k");
    expect(mock.requests[0]?.url.href).toBe("http://us.test/v2/flowControl/k/pause");
    expect(mock.requests[0]?.headers.get("authorization")).toBe("Bearer us-token");
    expect(flow.credentialsSource).toEqual({
      tokenFrom: "US_EAST_1_QSTASH_TOKEN",
      baseUrlFrom: "US_EAST_1_QSTASH_URL",
      warning: undefined,
    });
  });

  test("a region it cannot follow is visible on the client, and nothing is printed", () => {
    const printed: unknown[] = [];
    const original = { ...console };
    for (const level of ["log", "info", "warn", "error", "debug"] as const) console[level] = (...a) => printed.push(a);
    try {
      const flow = FlowControl.fromEnv({ ...PLAIN, US_EAST_1_QSTASH_TOKEN: "us-token", QSTASH_REGION: "US_EAST_1" });
      expect(flow.credentialsSource).toEqual({
        tokenFrom: "QSTASH_TOKEN",
        baseUrlFrom: "QSTASH_URL",
        warning:
          "QSTASH_REGION is US_EAST_1 but US_EAST_1_QSTASH_URL is not set: falling back to QSTASH_URL and QSTASH_TOKEN",
      });
    } finally {
      Object.assign(console, original);
    }
    expect(printed).toEqual([]);
  });

  test("a client made from options says so; the source names variables, never the token", () => {
    expect(new FlowControl({ token: "t-secret" }).credentialsSource).toEqual({
      tokenFrom: "options",
      baseUrlFrom: undefined,
      warning: undefined,
    });
    const flow = FlowControl.fromEnv(PLAIN);
    expect(JSON.stringify(flow.credentialsSource)).not.toContain("plain-token");
  });

  test("explicit token and region win over the environment", async () => {
    const mock = handlerFetch(() => new Response(null));
    const flow = FlowControl.fromEnv(PLAIN, { token: "given-token", region: "us-east-1", fetch: mock.fetch });
    await flow.resume("k");
    expect(mock.requests[0]?.url.origin).toBe("https://qstash-us-east-1.upstash.io");
    expect(mock.requests[0]?.headers.get("authorization")).toBe("Bearer given-token");
  });

  test("a missing token names the variable and why the region was not used, as a MissingTokenError", () => {
    expect(() => FlowControl.fromEnv({ QSTASH_REGION: "US_EAST_1", US_EAST_1_QSTASH_URL: "http://us.test" })).toThrow(
      "the environment variable QSTASH_TOKEN is not set (QSTASH_REGION is US_EAST_1 but US_EAST_1_QSTASH_TOKEN is not set",
    );
    const error = (() => {
      try {
        FlowControl.fromEnv({ QSTASH_REGION: "mars-1" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(MissingTokenError);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: "missing_token", warning: expect.stringContaining('"mars-1"') });
  });

  test("the regions QSTASH_REGION names are the client's regions, as variables spell them", () => {
    expect(ENV_REGIONS).toEqual(REGIONS.map((region) => region.toUpperCase().replaceAll("-", "_")));
    expect(ENV_REGIONS).toEqual(["EU_CENTRAL_1", "US_EAST_1"]);
  });
});
