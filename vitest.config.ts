import { defineConfig } from "vitest/config";

// Runs every package's tests from the root (editors, `vitest` at the top level).
// CI runs them per package through turbo: `pnpm test`.
export default defineConfig({
  test: {
    projects: ["packages/*"],
  },
});
