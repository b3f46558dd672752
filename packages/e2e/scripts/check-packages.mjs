// `pnpm check:packages`: every published package through publint and attw
// (see package-checks.mjs); prints each verdict, and the tool's output when it failed.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkPackage } from "./package-checks.mjs";
import { publishedPackages } from "./packages.mjs";

const packages = publishedPackages();
if (packages.length === 0) {
  console.error("no published package found under packages/");
  process.exit(1);
}

let passed = 0;
let failed = 0;
for (const pkg of packages) {
  if (!existsSync(join(pkg.dir, "dist"))) {
    console.log(`FAIL ${pkg.name}: no dist/ folder; run \`pnpm build\` first`);
    failed++;
    continue;
  }
  for (const result of checkPackage(pkg.dir)) {
    console.log(`${result.ok ? "ok  " : "FAIL"} ${pkg.name}: ${result.label}`);
    if (result.ok) passed++;
    else {
      failed++;
      console.log(result.output.replace(/^/gm, "     "));
    }
  }
}

console.log(`\n${passed} passed, ${failed} failed (${packages.length} packages)`);
process.exit(failed === 0 ? 0 : 1);
