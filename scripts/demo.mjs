// `pnpm demo`: the CLI's demo (packages/cli/scripts/demo.mjs), built first when a source
// changed. What a newcomer sees is the demo: one line when it builds, turbo's output only
// if the build fails.
import { fileURLToPath } from "node:url";
import { buildIfStale } from "./cli-freshness.mjs";

buildIfStale(fileURLToPath(new URL("..", import.meta.url)));
await import("../packages/cli/scripts/demo.mjs");
