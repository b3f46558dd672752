import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitUntil } from "@qstash-flow/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishedPackages, workspaceRoot } from "../scripts/packages.mjs";
import { cleanEnv } from "../src/registry.ts";
import { run, runOk } from "../src/run.ts";

/** The README's address for the local registry; the test's registry listens on a free port instead. */
const README_URL = "http://127.0.0.1:4873/";

/** A command that runs until stopped, with what it printed so far. */
function start(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  // Its own process group, so that stopping it stops what it started (pnpm, npx, node).
  const child = spawn(command, args, { ...options, detached: true });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    exited,
    output: () => ({ stdout, stderr }),
    async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
      let match: RegExpMatchArray | null = null;
      await waitUntil(
        () => {
          match = stdout.match(pattern);
          if (!match && child.exitCode !== null)
            throw new Error(`exited with ${child.exitCode} without ${pattern}:\n${stdout}\n${stderr}`);
          return match !== null;
        },
        () => `${pattern} in the output:\n${stdout}\n${stderr}`,
      );
      return match as unknown as RegExpMatchArray;
    },
    /** Ctrl-C, as a terminal sends it: to the whole group. */
    interrupt: () => process.kill(-(child.pid as number), "SIGINT"),
    kill: () => {
      if (child.exitCode === null) process.kill(-(child.pid as number), "SIGKILL");
    },
  };
}

/** The `npm`/`npx` lines of the sh blocks of `readme`'s section `heading` that name the local registry. */
async function registryCommands(readme: string, heading: string): Promise<string[]> {
  const text = await readFile(readme, "utf8");
  const section = text.slice(text.indexOf(heading)).split(/\n## /)[0] as string;
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((match) => match[1] as string);
  return blocks
    .flatMap((block) => block.split("\n"))
    .filter((line) => /^(npm|npx) /.test(line) && line.includes(README_URL));
}

let registry: ReturnType<typeof start>;
let url: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "qstash-flow-local-registry-"));
  // The README's one command, on a free port (a fixed one may be taken on a CI machine).
  registry = start("pnpm", ["local-registry", "--port", "0"], { cwd: workspaceRoot, env: cleanEnv() });
  [, url] = (await registry.waitFor(/^Local registry on (http:\/\/127\.0\.0\.1:\d+\/) with .*$/m)) as [string, string];
  await registry.waitFor(/Ctrl-C stops it/);
});

afterAll(async () => {
  registry?.kill();
  await rm(dir, { recursive: true, force: true });
});

describe("pnpm local-registry: the packages before the first release", () => {
  it("publishes every published package at its workspace version", async () => {
    for (const pkg of publishedPackages()) {
      const view = await runOk("npm", ["view", pkg.name, "version", "--registry", url], { cwd: dir, env: cleanEnv() });
      expect(view.stdout.trim()).toBe(pkg.manifest.version);
    }
  });

  it("the root README's commands work in a project of one's own, outside the clone", async () => {
    const commands = await registryCommands(join(workspaceRoot, "README.md"), "## Before the first release");
    expect(commands).toHaveLength(4);
    const project = join(dir, "project");
    await runOk("mkdir", ["-p", project], { cwd: dir });
    await runOk("npm", ["init", "-y"], { cwd: project, env: cleanEnv() });
    // Global installs go to a prefix of the test's own; npx answers its question itself.
    const prefix = join(dir, "global");
    const env = cleanEnv({
      npm_config_prefix: prefix,
      npm_config_yes: "true",
      npm_config_cache: join(dir, "npm-cache"),
    });
    for (const command of commands) {
      const [tool, ...args] = (command.replace(README_URL, url).split("#")[0] ?? "").trim().split(/\s+/);
      if (args.includes("@qstash-flow/dev-server") && tool === "npx") {
        const server = start(tool, args, { cwd: project, env });
        try {
          await server.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
        } finally {
          server.kill();
        }
        continue;
      }
      const result = await run(tool as string, args, { cwd: project, env, timeout: 240_000 });
      expect(result.code, `${command}\n${result.stdout}${result.stderr}`).toBe(0);
    }
    const imported = await runOk(
      "node",
      [
        "--input-type=module",
        "-e",
        'const m = await import("@qstash-flow/flow-control"); console.log(typeof m.FlowControl)',
      ],
      { cwd: project, env },
    );
    expect(imported.stdout.trim()).toBe("function");
    const version = await runOk(join(prefix, "bin", "qstash-flow"), ["--version"], { cwd: project, env });
    expect(version.stdout.trim()).toBe(
      publishedPackages().find((pkg) => pkg.name === "@qstash-flow/cli")?.manifest.version,
    );
  });

  it("the dev server README's npx line runs the dev server from a directory that never installed it", async () => {
    const readme = await readFile(join(workspaceRoot, "packages", "dev-server", "README.md"), "utf8");
    const lines = [...readme.matchAll(/^npx (\S+)/gm)].map((match) => match[1]);
    expect(lines.length).toBeGreaterThan(0);
    const elsewhere = join(dir, "elsewhere");
    await runOk("mkdir", ["-p", elsewhere], { cwd: dir });
    const env = cleanEnv({
      npm_config_registry: url,
      npm_config_yes: "true",
      npm_config_cache: join(dir, "npm-cache-2"),
    });
    for (const spec of new Set(lines)) {
      const server = start("npx", [spec as string, "--port", "0"], { cwd: elsewhere, env });
      try {
        await server.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
      } finally {
        server.kill();
      }
    }
    expect(existsSync(join(elsewhere, "node_modules"))).toBe(false);
  });

  it("stops on Ctrl-C with exit 0, and serves nothing after", async () => {
    registry.interrupt();
    expect(await registry.exited).toBe(0);
    await expect(fetch(new URL("@qstash-flow%2ftypes", url))).rejects.toThrow();
  });
});
