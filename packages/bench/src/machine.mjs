// What the numbers were measured on and with: the machine and the package versions.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";

export function machine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? "unknown",
    cores: cores.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
    // The machine is shared: a high load means noisier timings.
    load: loadavg().map((value) => value.toFixed(2)),
  };
}

/**
 * The version of package `name` as `from` resolves it. Walks up from its entry file, so it
 * works for packages whose exports map hides package.json.
 */
export function versionOf(name, from = import.meta.url) {
  let dir = dirname(createRequire(from).resolve(name));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (pkg.name === name) return pkg.version;
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
    }
    const parent = dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}

export function versions() {
  const fetchPackage = new URL("../../fetch/package.json", import.meta.url);
  return {
    "@qstash-flow/flow-control": versionOf("@qstash-flow/flow-control"),
    "@qstash-flow/fetch": versionOf("@qstash-flow/fetch"),
    "openapi-fetch": versionOf("openapi-fetch", fetchPackage),
    "@upstash/qstash": versionOf("@upstash/qstash"),
    esbuild: versionOf("esbuild"),
    typescript: versionOf("typescript"),
  };
}
