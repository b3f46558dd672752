import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/qstash-flow.js", import.meta.url));
const RECORD = fileURLToPath(new URL("./support/record-loads.mjs", import.meta.url));

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "qstash-flow-startup-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The modules the bin loads for `args` (against a closed port: only what starts matters). */
async function loadedBy(args: string[]): Promise<string[]> {
  const file = join(dir, `loaded-${args[0]}.txt`);
  await writeFile(file, "");
  await new Promise<void>((resolve) => {
    execFile(
      process.execPath,
      [
        "--import",
        RECORD,
        BIN,
        ...args,
        "--url",
        "http://127.0.0.1:9",
        "--token",
        "startup-test-token",
        "--retries",
        "0",
      ],
      { env: { PATH: process.env.PATH, QSTASH_FLOW_LOADED: file } },
      () => resolve(),
    );
  });
  return (await readFile(file, "utf8")).split("\n").filter(Boolean);
}

const loads = (urls: string[], pattern: RegExp) => urls.some((url) => pattern.test(url));

describe("what a command loads when it starts", () => {
  it("list loads the client, not @qstash-flow/ops, yaml nor prom-client", async () => {
    const urls = await loadedBy(["list"]);
    expect(loads(urls, /\/cli\/dist\/cli\.js$/)).toBe(true);
    expect(loads(urls, /\/flow-control\/dist\/index\.js$/)).toBe(true);
    expect(urls.filter((url) => /\/ops\/dist\/index\.js$|\/yaml\/|\/prom-client\//.test(url))).toEqual([]);
  });

  it("plan loads @qstash-flow/ops and yaml with it", async () => {
    const file = join(dir, "flow.yaml");
    await writeFile(file, "keys:\n  k: { paused: true }\n");
    const urls = await loadedBy(["plan", file]);
    expect(loads(urls, /\/ops\/dist\/index\.js$/)).toBe(true);
    expect(loads(urls, /\/yaml\//)).toBe(true);
    expect(loads(urls, /\/prom-client\//)).toBe(false);
  });
});
