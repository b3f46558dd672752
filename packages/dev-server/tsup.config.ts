import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.config.base.ts";

// A Node server: node: built-ins stay external. The bin is a second entry; the defaults a
// third, so a CLI can show them without loading the server.
export default defineConfig({
  ...packageBuild,
  entry: ["src/index.ts", "src/defaults.ts", "src/bin.ts"],
  platform: "node",
});
