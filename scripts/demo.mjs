// `pnpm demo`: the CLI's demo (packages/cli/scripts/demo.mjs), built first when a source
// changed. What a newcomer sees is the demo: one line when it builds, turbo's output only
// if the build fails.
import { fileURLToPath } from "node:url";
import { buildIfStale } from "./cli-freshness.mjs";

buildIfStale(fileURLToPath(new URL("..", import.meta.url)));
// By URL: the demo is the CLI package's own script, not one of these.
await import(new URL("../packages/cli/scripts/demo.mjs", import.meta.url).href);
