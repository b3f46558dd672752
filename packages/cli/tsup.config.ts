import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.config.base.ts";
import pkg from "./package.json" with { type: "json" };

// The version is written into the code, so the bundle does not carry package.json.
const define = { QSTASH_FLOW_CLI_VERSION: JSON.stringify(pkg.version) };

export default defineConfig([
  // The library (`run`), built like every other package; it keeps dist/cli.js, which the
  // second build writes in parallel.
  { ...packageBuild, platform: "node", define, clean: ["!cli.js"] },
  // The bin: ESM; esbuild keeps the entry's shebang and tsup marks it executable. What only
  // some commands need (@qstash-flow/ops, and yaml or prom-client with it; the dev server)
  // is a dependency, imported by those commands when they run, so every other command
  // starts without it.
  {
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
    target: "es2022",
    platform: "node",
    define,
  },
]);
