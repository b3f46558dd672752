// `pnpm local-registry [--port 4873]`: until the first release, the packages as users will
// get them, from a local npm registry on 127.0.0.1. Builds what changed, starts the same
// registry the release rehearsal uses (verdaccio; our scope served only from here, every
// other package proxied from the public registry), publishes every published package at
// its workspace version with `pnpm publish` (which writes real versions for `workspace:`
// and `catalog:`), prints how to install from it, and serves until Ctrl-C. Its storage is
// a temporary directory, removed on exit: each start publishes afresh.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { runServer } from "verdaccio";
import { buildIfStale } from "../../../scripts/cli-freshness.mjs";
import { publishedPackages, workspaceRoot } from "./packages.mjs";
import { cleanEnv, PUBLIC_REGISTRY, registryConfig, registryEnv } from "./registry-config.mjs";

const DEFAULT_PORT = 4873;

/** @param {string[]} args */
function portFrom(args) {
  const at = args.indexOf("--port");
  if (at === -1) return DEFAULT_PORT;
  const port = Number(args[at + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write("usage: pnpm local-registry [--port N] (N from 0 to 65535; 0 picks a free one)\n");
    process.exit(2);
  }
  return port;
}

const port = portFrom(process.argv.slice(2));
// Every published package is the CLI or a package it runs on: the CLI's build builds them all.
buildIfStale(workspaceRoot);

const dir = await mkdtemp(join(tmpdir(), "qstash-flow-registry-"));
const configPath = join(dir, "config.yaml");
await writeFile(configPath, registryConfig(cleanEnv().npm_config_registry || PUBLIC_REGISTRY));
const app = await runServer(configPath);
/** @type {import("node:http").Server} */
const server = await new Promise((resolve, reject) => {
  const listening = app.listen(port, "127.0.0.1", () => resolve(listening));
  listening.once("error", (/** @type {NodeJS.ErrnoException} */ error) =>
    reject(
      error.code === "EADDRINUSE"
        ? new Error(`port ${port} is in use; pick another with --port, or --port 0 for any free one`)
        : error,
    ),
  );
}).catch(async (error) => {
  await rm(dir, { recursive: true, force: true });
  process.stderr.write(`local-registry: ${error.message}\n`);
  process.exit(1);
});
const address = /** @type {import("node:net").AddressInfo} */ (server.address());
const url = `http://127.0.0.1:${address.port}/`;

const stop = () => {
  server.closeAllConnections();
  server.close(() => rm(dir, { recursive: true, force: true }).then(() => process.exit()));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

const npmrc = join(dir, "npmrc");
const { npmrcText, env } = registryEnv(url, npmrc);
await writeFile(npmrc, npmrcText);
/**
 * `pnpm publish` of one package. Asynchronous: the registry answering it runs in this process.
 * @param {string} dir
 * @returns {Promise<{ code: number | null, output: string }>}
 */
function publish(dir) {
  return new Promise((resolve) => {
    const child = spawn("pnpm", ["publish", "--no-git-checks", "--registry", url], {
      cwd: dir,
      env,
      shell: process.platform === "win32",
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ code: null, output: `${output}${error.message}\n` }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

const names = [];
for (const pkg of publishedPackages()) {
  const published = await publish(pkg.dir);
  if (published.code !== 0) {
    process.stderr.write(`${published.output}local-registry: publishing ${pkg.name} failed\n`);
    process.exitCode = 1;
    stop();
    break;
  }
  names.push(`${pkg.name}@${pkg.manifest.version}`);
}
if (process.exitCode !== 1) {
  process.stdout.write(
    [
      `Local registry on ${url} with ${names.join(", ")}`,
      "(every other package comes through it from the public registry). In another terminal:",
      `  npm install --registry ${url} @qstash-flow/flow-control      # in your project`,
      `  npx --registry ${url} @qstash-flow/dev-server --port 0       # a local QStash`,
      `  npm install --global --registry ${url} @qstash-flow/cli     # the qstash-flow command`,
      "Ctrl-C stops it (its storage goes with it).",
      "",
    ].join("\n"),
  );
}
