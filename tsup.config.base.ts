import type { Options } from "tsup";

// Every published package builds the same way: ESM + CommonJS with declarations.
export const packageBuild: Options = {
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  treeshake: true,
};
