import { defineProject } from "vitest/config";

// The heavy suite (`pnpm test:e2e`): one release to a local registry in the global
// setup, then consumers of it. Files run one at a time: the machine has two cores.
export default defineProject({
  test: {
    name: "e2e:release",
    include: ["e2e/**/*.test.ts"],
    globalSetup: ["e2e/setup.ts"],
    fileParallelism: false,
    // Hang guards: releases and consumers take minutes on a loaded machine.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
