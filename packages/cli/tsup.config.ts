import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.config.base.ts";

export default defineConfig([
  // The library (`run`), built like every other package; it keeps dist/cli.js, which the
  // second build writes in parallel.
  { ...packageBuild, platform: "node", clean: ["!cli.js"] },
  // The bin: one ESM file; esbuild keeps the entry's shebang and tsup marks it executable.
  {
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
    target: "es2022",
    platform: "node",
  },
]);
