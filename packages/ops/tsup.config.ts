import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.config.base.ts";

// A Node library: the exporter serves HTTP; prom-client, an optional peer, is left to the
// user. The defaults are a second entry, so a CLI can show them without loading yaml.
export default defineConfig({ ...packageBuild, entry: ["src/index.ts", "src/defaults.ts"], platform: "node" });
