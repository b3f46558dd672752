import { describe, expect, test } from "vitest";
import { DevServerOptionsError } from "./errors.ts";
import { DEFAULT_DEV_TOKEN, DEFAULT_PORT, type DevServerOptions, resolveOptions } from "./options.ts";

describe("resolveOptions", () => {
  test("defaults", () => {
    expect(resolveOptions(undefined)).toMatchObject({
      port: DEFAULT_PORT,
      host: "127.0.0.1",
      token: DEFAULT_DEV_TOKEN,
      allowed: [],
      maxWaitingMessages: 10_000,
      globalParallelism: 0,
    });
  });

  test.each([
    [{ port: -1 }, "port"],
    [{ port: 70_000 }, "port"],
    [{ port: "8080" }, "port"],
    [{ host: "" }, "host"],
    [{ token: "" }, "token"],
    [{ token: "has space" }, "token"],
    [{ maxWaitingMessages: 0 }, "maxWaitingMessages"],
    [{ maxWaitingMessages: 1.5 }, "maxWaitingMessages"],
    [{ deliveryTimeout: 0 }, "deliveryTimeout"],
    [{ globalParallelism: -1 }, "globalParallelism"],
    [{ allowedDestinations: "example.com" }, "allowedDestinations"],
    [{ allowedDestinations: ["https://example.com/"] }, "allowedDestinations"],
    [{ log: "console" }, "log"],
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
});
