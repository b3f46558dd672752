import { describe, expect, test } from "vitest";
import { DevServerOptionsError } from "./errors.ts";
import { DEFAULT_CURRENT_SIGNING_KEY, DEFAULT_DEV_TOKEN, DEFAULT_NEXT_SIGNING_KEY, DEFAULT_PORT } from "./defaults.ts";
import { type DevServerOptions, resolveOptions } from "./options.ts";

describe("resolveOptions", () => {
  test("defaults: upstream's documented local port and credentials", () => {
    expect(resolveOptions(undefined)).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      token: "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=",
      currentSigningKey: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r",
      nextSigningKey: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs",
      allowed: [],
      maxWaitingMessages: 10_000,
      globalParallelism: 0,
      retryDelayScale: 0.001,
    });
  });

  test.each([
    [{ port: -1 }, "port"],
    [{ port: 70_000 }, "port"],
    [{ port: "8080" }, "port"],
    [{ host: "" }, "host"],
    [{ token: "" }, "token"],
    [{ token: "has space" }, "token"],
    [{ token: "tök€n" }, "token"],
    [{ token: " padded" }, "token"],
    [{ token: 42 }, "token"],
    [{ currentSigningKey: "" }, "currentSigningKey"],
    [{ nextSigningKey: "sig key" }, "nextSigningKey"],
    [{ host: "0.0.0.0" }, "token"],
    [{ host: "::", token: DEFAULT_DEV_TOKEN }, "token"],
    [{ host: "192.168.1.5" }, "token"],
    [{ host: "my-laptop.local" }, "token"],
    [{ deliveryTimeout: 2 ** 31 }, "deliveryTimeout"],
    [{ maxWaitingMessages: 0 }, "maxWaitingMessages"],
    [{ maxWaitingMessages: 1.5 }, "maxWaitingMessages"],
    [{ deliveryTimeout: 0 }, "deliveryTimeout"],
    [{ globalParallelism: -1 }, "globalParallelism"],
    [{ allowedDestinations: "example.com" }, "allowedDestinations"],
    [{ allowedDestinations: ["https://example.com/"] }, "allowedDestinations"],
    [{ log: "console" }, "log"],
    [{ retryDelayScale: -0.1 }, "retryDelayScale"],
    [{ retryDelayScale: 2 }, "retryDelayScale"],
    [{ retryDelayScale: Number.NaN }, "retryDelayScale"],
    [{ retryDelayScale: "0" }, "retryDelayScale"],
    [{ prot: 1 }, "prot"],
  ])("refuses %j", (options, option) => {
    const attempt = () => resolveOptions(options as DevServerOptions);
    expect(attempt).toThrow(DevServerOptionsError);
    try {
      attempt();
    } catch (error) {
      expect((error as DevServerOptionsError).option).toBe(option);
    }
  });

  test("the workspace's option and integer checks, worded for the option at fault", () => {
    expect(() => resolveOptions({ prot: 1 } as DevServerOptions)).toThrow(
      'prot: unknown option "prot"; expected port, host, token,',
    );
    for (const options of [5, "port", [1]]) {
      expect(() => resolveOptions(options as DevServerOptions)).toThrow(
        expect.objectContaining({ option: "options", message: "options: must be an object" }),
      );
    }
    expect(() => resolveOptions({ maxKeys: 0 })).toThrow("maxKeys: must be a positive integer, got 0");
    expect(() => resolveOptions({ globalParallelism: -1 })).toThrow(
      "globalParallelism: must be a whole number >= 0, got -1",
    );
    expect(() => resolveOptions({ port: 65_536 })).toThrow("port: must be at most 65535, got 65536");
    expect(resolveOptions({ port: 65_535, globalParallelism: 0, maxBodyBytes: 0 })).toMatchObject({ port: 65_535 });
    expect(resolveOptions(null as never)).toMatchObject({ port: DEFAULT_PORT });
  });

  test("accepts exactly the tokens a client can send: visible ASCII", () => {
    expect(resolveOptions({ token: "!~ASCII-visible_0123456789=" }).token).toBe("!~ASCII-visible_0123456789=");
    expect(() => resolveOptions({ token: "tök€n" })).toThrow("token: must be a non-empty string of visible ASCII");
  });

  test("the exported defaults are the ones used", () => {
    expect(resolveOptions({})).toMatchObject({
      port: DEFAULT_PORT,
      token: DEFAULT_DEV_TOKEN,
      currentSigningKey: DEFAULT_CURRENT_SIGNING_KEY,
      nextSigningKey: DEFAULT_NEXT_SIGNING_KEY,
    });
  });

  test("beyond loopback only with a token of one's own; loopback hosts need none", () => {
    expect(() => resolveOptions({ host: "0.0.0.0" })).toThrow(/0\.0\.0\.0, beyond loopback, needs a token of your own/);
    expect(resolveOptions({ host: "0.0.0.0", token: "my-own-token" })).toMatchObject({ host: "0.0.0.0" });
    for (const host of ["127.0.0.1", "127.0.0.2", "::1", "localhost", "LOCALHOST"]) {
      expect(resolveOptions({ host }).token).toBe(DEFAULT_DEV_TOKEN);
    }
  });
});
