import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.config.base.ts";

// Two builds of the same source. The default one (browsers, edge runtimes, bundlers)
// gives every attempt its own timeout signal. The one under `dist/node`, which package.json
// hands to Node through the "node" condition, lets attempts share deadlines
// (src/internal/deadline.ts); there, a signal per attempt costs about 10 % of a call.
export default defineConfig([
  {
    ...packageBuild,
    // dist/node belongs to the other build, which runs at the same time.
    clean: ["!node/**"],
    define: { __SHARED_DEADLINES__: "false" },
  },
  {
    ...packageBuild,
    outDir: "dist/node",
    dts: false,
    clean: true,
    define: { __SHARED_DEADLINES__: "true" },
  },
]);
