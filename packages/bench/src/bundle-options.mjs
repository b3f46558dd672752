// One set of esbuild options for the size benchmark and the size-limit budgets, so the
// bytes in BENCHMARKS.md and the bytes CI checks come from the same bundle.
export const BROWSER_BUNDLE = {
  bundle: true,
  minify: true,
  treeShaking: true,
  platform: "browser",
  format: "esm",
  target: "es2022",
  legalComments: "none",
};
