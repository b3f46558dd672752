import { describe, expect, inject, it } from "vitest";
import { run } from "../src/run.ts";
import "./context.ts";
import { expectSmoke, runSmoke, smokeKey } from "./smoke.ts";

const { consumerDir, installed, api, release } = inject("e2e");
const options = { cwd: consumerDir, timeout: 180_000 };

describe(`Node consumer against the ${api.kind}`, () => {
  it("ESM: import works end to end", async () => {
    const key = smokeKey("esm");
    expectSmoke(await runSmoke("node", ["smoke.mjs", api.url, api.token, key], consumerDir), key, "node", "esm");
  });

  it("CommonJS: require works end to end", async () => {
    const key = smokeKey("cjs");
    expectSmoke(await runSmoke("node", ["smoke.cjs", api.url, api.token, key], consumerDir), key, "node", "cjs");
  });

  it.each(["node16", "bundler"])(
    "TypeScript with moduleResolution %s type-checks (misuses marked @ts-expect-error must fail)",
    async (mode) => {
      const result = await run("node", ["node_modules/typescript/bin/tsc", "-p", `tsconfig.${mode}.json`], options);
      expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    },
  );
});

describe.runIf(installed["@qstash-flow/ops"])("the ops library from the registry", () => {
  it("parses and plans a desired state in a service", async () => {
    const key = smokeKey("ops");
    const result = await run("node", ["ops.mjs", api.url, api.token, key], options);
    expect(result.code, result.stderr).toBe(0);
    // A key the server does not know yet is planned as a new one: a pause.
    expect(JSON.parse(result.stdout)).toEqual({ actions: ["pause"], unknownKeys: [key] });
  });
});

describe.runIf(installed["@qstash-flow/cli"])("the CLI bin from the registry", () => {
  const cli = (...args: string[]) =>
    run("npx", ["--no-install", "qstash-flow", ...args, "--url", api.url, "--token", api.token], options);

  it("pauses a key and shows it paused", async () => {
    const key = smokeKey("cli");
    const paused = await cli("pause", key);
    expect(paused.code, paused.stderr).toBe(0);
    const shown = await cli("get", key, "--json");
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ flowControlKey: key, isPaused: true });
    const table = await cli("get", key);
    expect(table.stdout).toContain(key);
    expect(table.stdout).toMatch(/paused/i);
  });

  it("reports the version that was released, not the one it was built from before", async () => {
    const result = await run("npx", ["--no-install", "qstash-flow", "--version"], options);
    expect(result.stdout.trim()).toBe(release.packages.find((pkg) => pkg.name === "@qstash-flow/cli")?.version);
  });

  it("fails with a non-zero exit and a message for a key that does not exist", async () => {
    const result = await cli("get", smokeKey("cli-never-created"));
    expect(result.code).not.toBe(0);
    expect(result.stderr.toLowerCase()).toMatch(/not found|404|no flow-control key/);
  });
});
