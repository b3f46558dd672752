import { describe, expect, test } from "vitest";
import { DEFAULT_CURRENT_SIGNING_KEY, DEFAULT_DEV_TOKEN, DEFAULT_NEXT_SIGNING_KEY } from "../defaults.ts";
import type { DevServer } from "../server.ts";
import { devServerBanner, exposure } from "./banner.ts";

const server = (host: string): DevServer => ({
  url: `http://${host.includes(":") ? `[${host}]` : host}:8080`,
  host,
  port: 8080,
  token: DEFAULT_DEV_TOKEN,
  currentSigningKey: DEFAULT_CURRENT_SIGNING_KEY,
  nextSigningKey: DEFAULT_NEXT_SIGNING_KEY,
  close: async () => {},
});

describe("banner", () => {
  test("a paste-ready environment block with all four variables", () => {
    const text = devServerBanner(server("127.0.0.1"));
    const lines = text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("export "))
      .map((line) => line.slice("export ".length));
    expect(lines).toEqual([
      "QSTASH_URL=http://127.0.0.1:8080",
      `QSTASH_TOKEN=${DEFAULT_DEV_TOKEN}`,
      `QSTASH_CURRENT_SIGNING_KEY=${DEFAULT_CURRENT_SIGNING_KEY}`,
      `QSTASH_NEXT_SIGNING_KEY=${DEFAULT_NEXT_SIGNING_KEY}`,
    ]);
    expect(text).toContain("loopback destinations only. Ctrl-C stops.");
    expect(devServerBanner(server("127.0.0.1"), ["api.test"])).toContain(
      "loopback destinations only and to api.test. Ctrl-C stops.",
    );
  });
});

describe("exposure", () => {
  test.each(["127.0.0.1", "::1", "localhost", "127.1.2.3"])("none on loopback (%s)", (host) => {
    expect(exposure(server(host))).toBeUndefined();
  });

  test.each(["0.0.0.0", "::", "192.168.0.10", "my-laptop.local"])(
    "beyond loopback (%s) it says what is exposed",
    (host) => {
      const warning = exposure(server(host), ["api.test", "*"]);
      expect(warning).toMatch(/^warning: listening on .+, beyond this machine/);
      expect(warning).toContain("any port of this machine");
      expect(warning).toContain("publish, pause, pin and read every flow-control key");
      expect(warning).toContain("and to api.test, any host");
    },
  );
});
