// The ESM smoke test under other runtimes. Both install from the npm registry: the
// `bun` and `deno` packages carry their binaries in per-platform optional dependencies.
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, inject, it } from "vitest";
import { cleanEnv } from "../src/registry.ts";
import "./context.ts";
import { expectSmoke, runSmoke, smokeKey } from "./smoke.ts";

const { consumerDir, api } = inject("e2e");
const require = createRequire(import.meta.url);

// pnpm does not run bun's postinstall, which only copies this very binary into place.
function bunBinary(): string {
  const fromBun = createRequire(require.resolve("bun/package.json"));
  const suffix = process.platform === "win32" ? "bun.exe" : "bun";
  const manifest = fromBun.resolve(
    `@oven/bun-${process.platform}-${process.arch === "x64" ? "x64" : "aarch64"}/package.json`,
  );
  return join(manifest, "..", "bin", suffix);
}

describe(`other runtimes against the ${api.kind}`, () => {
  it("Bun runs the ESM consumer", async () => {
    const key = smokeKey("bun");
    const result = await runSmoke(bunBinary(), ["smoke.mjs", api.url, api.token, key], consumerDir);
    expectSmoke(result, key, "bun", "esm");
  });

  it("Deno runs the ESM consumer, with network access to 127.0.0.1 only", async () => {
    const key = smokeKey("deno");
    const deno = join(require.resolve("deno/package.json"), "..", "bin.cjs");
    // Deno's cache goes beside the consumer, so the suite's teardown removes it too.
    const env = cleanEnv({ DENO_DIR: join(consumerDir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" });
    const args = [deno, "run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "smoke.mjs"];
    const result = await runSmoke("node", [...args, api.url, api.token, key], consumerDir, env);
    expectSmoke(result, key, "deno", "esm");
  });
});
