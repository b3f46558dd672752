import { fileURLToPath } from "node:url";
import { packageTests } from "../../vitest.shared.ts";
import { define } from "./tsup.config.ts";

// The tests run the source under Node, so `#send` is Node's own HTTP, as in the package.
export default packageTests("fetch", {
  alias: { "#send": fileURLToPath(new URL("src/internal/send-node.ts", import.meta.url)) },
  define,
});
