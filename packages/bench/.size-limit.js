// Bundle-size budgets checked by `pnpm size` in CI. The budgets live in src/budgets.mjs;
// the esbuild options are the ones the benchmark measures with.
import { BUDGETS } from "./src/budgets.mjs";
import { BROWSER_BUNDLE } from "./src/bundle-options.mjs";

export default BUDGETS.map(({ name, path, limit }) => ({
  name,
  path,
  limit,
  gzip: true,
  modifyEsbuildConfig: (config) => ({ ...config, ...BROWSER_BUNDLE }),
}));
