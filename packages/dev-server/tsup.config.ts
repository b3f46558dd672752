import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.config.base.ts";

// A Node server: node: built-ins stay external, and the bin is a second entry.
export default defineConfig({
  ...packageBuild,
  entry: ["src/index.ts", "src/bin.ts"],
  platform: "node",
});
