import { defineProject } from "vitest/config";

/** The one test setup every package uses: unit tests beside the code, others in test/, type tests on. */
export function packageTests(
  name: string,
  overrides: { testTimeout?: number; alias?: Record<string, string>; define?: Record<string, string> } = {},
) {
  return defineProject({
    ...(overrides.alias && { resolve: { alias: overrides.alias } }),
    // Constants a package's build writes in, given to the sources under test as well.
    ...(overrides.define && { define: overrides.define }),
    test: {
      name,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      // Hang guards, far above any real duration on a loaded 2-core machine: a verdict must
      // never depend on the machine's speed, and tests wait for events, not for time.
      testTimeout: overrides.testTimeout ?? 300_000,
      hookTimeout: 300_000,
      typecheck: {
        enabled: true,
        include: ["src/**/*.test-d.ts", "test/**/*.test-d.ts"],
        tsconfig: "./tsconfig.json",
      },
    },
  });
}
