import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.config.base.ts";
import pkg from "./package.json" with { type: "json" };

/** The version the Node carrier's User-Agent names, written into the code at build time. */
export const define = { QSTASH_FLOW_FETCH_VERSION: JSON.stringify(pkg.version) };

// `#send` (package.json "imports") is resolved where the package runs, not here: Node
// gets node:http, every other platform fetch. Both entry points share one copy of the
// code (splitting), so an error class is the same class whichever entry made it.
export default defineConfig({
  ...packageBuild,
  entry: {
    index: "src/index.ts",
    internal: "src/internal.ts",
    "send-node": "src/internal/send-node.ts",
    "send-default": "src/internal/send-default.ts",
  },
  external: ["#send", "node:http", "node:https", "node:timers", "node:zlib"],
  define,
  splitting: true,
  removeNodeProtocol: false,
});
