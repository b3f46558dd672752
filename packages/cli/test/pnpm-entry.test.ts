import { execFile } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { HAS_TMUX, startTerminal } from "./support/tmux.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BUILT = join(ROOT, "packages", "cli", "dist", "cli.js");

/**
 * A clone in miniature for `pnpm qstash-flow`: the root's real script line and scripts,
 * a CLI package whose build is the real built CLI, and a `pnpm` on PATH that only writes
 * down how it was called (so a build is seen, never run).
 */
async function miniClone() {
  const dir = await mkdtemp(join(tmpdir(), "qstash-flow-entry-"));
  const root = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  };
  await write("package.json", JSON.stringify({ name: "mini", private: true, type: "module", scripts: root.scripts }));
  for (const script of ["qstash-flow.mjs", "demo.mjs", "cli-freshness.mjs"]) {
    await mkdir(join(dir, "scripts"), { recursive: true });
    await copyFile(join(ROOT, "scripts", script), join(dir, "scripts", script));
  }
  await write("packages/cli/package.json", JSON.stringify({ name: "@qstash-flow/cli", type: "module" }));
  await write("packages/cli/src/cli.ts", "// a source\n");
  await write("packages/cli/dist/cli.js", `import ${JSON.stringify(pathToFileURL(BUILT).href)};\n`);
  await write("packages/cli/bin/qstash-flow.js", await readFile(join(ROOT, "packages/cli/bin/qstash-flow.js"), "utf8"));
  const calls = join(dir, "pnpm-calls");
  await write("packages/cli/scripts/demo.mjs", 'console.log("the demo itself");\n');
  // A build says a lot (tsup prints ~150 lines for the packages the CLI runs on).
  const noise = 'i=0; while [ $i -lt 150 ]; do echo "CLI Build success in 42ms"; i=$((i+1)); done';
  await write(
    "fake-bin/pnpm",
    `#!/bin/sh\necho "$@" >> ${JSON.stringify(calls)}\n${noise}\necho 'Generated an empty chunk: "index"' >&2\n`,
  );
  await chmod(join(dir, "fake-bin/pnpm"), 0o755);
  const inClone = ([command, ...args]: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const env = { PATH: `${join(dir, "fake-bin")}:${dirname(process.execPath)}:/usr/bin:/bin` };
      execFile(command as string, args, { env, cwd: dir }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
      );
    });
  return {
    dir,
    /** `node scripts/qstash-flow.mjs ...args` with the recording pnpm first on PATH. */
    run(args: string[]) {
      return inClone([process.execPath, join(dir, "scripts/qstash-flow.mjs"), ...args]);
    },
    /** The root's `demo` script line, as pnpm runs it (`sh -c`), with the recording pnpm first on PATH. */
    demo() {
      return inClone(["sh", "-c", root.scripts.demo]);
    },
    pnpmCalls: async () => (await readFile(calls, "utf8").catch(() => "")).split("\n").filter(Boolean),
    /** Makes `path` edited after the last build: the build ten minutes ago, the edit five. */
    async edit(path: string) {
      const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
      for (const file of await readdir(dir, { recursive: true }))
        await utimes(join(dir, file), minutesAgo(15), minutesAgo(15));
      await utimes(join(dir, "node_modules/.cache/qstash-flow/cli-build-stamp"), minutesAgo(10), minutesAgo(10));
      await utimes(join(dir, path), minutesAgo(5), minutesAgo(5));
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

let clone: Awaited<ReturnType<typeof miniClone>> | undefined;
afterEach(async () => {
  await clone?.close();
  clone = undefined;
});

describe("pnpm qstash-flow", () => {
  it("builds when a source changed since the last build, says so, then runs the CLI without building", async () => {
    clone = await miniClone();
    const first = await clone.run(["--version"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(first.stderr).toBe(
      "qstash-flow: building the CLI first (it was not built from here before); this can take a while...\n",
    );
    expect(await clone.pnpmCalls()).toEqual([
      "exec turbo run build --filter=@qstash-flow/cli... --output-logs=errors-only",
    ]);

    // The everyday path: nothing changed, so no build tool is started at all.
    const again = await clone.run(["--version"]);
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(await clone.pnpmCalls()).toHaveLength(1);

    await clone.edit("packages/cli/src/cli.ts");
    const edited = await clone.run(["--version"]);
    expect(edited.stderr).toBe(
      "qstash-flow: building the CLI first (packages/cli/src/cli.ts changed); this can take a while...\n",
    );
    expect(await clone.pnpmCalls()).toHaveLength(2);
    expect((await clone.run(["--version"])).stderr).toBe("");
    expect(await clone.pnpmCalls()).toHaveLength(2);
  });

  it("keeps stderr to JSON under --json, building or not", async () => {
    clone = await miniClone();
    const result = await clone.run(["list", "--json"]);
    expect(await clone.pnpmCalls()).toHaveLength(1);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { name: "ValidationError" } });
  });

  it("ignores test files: editing one builds nothing", async () => {
    clone = await miniClone();
    await clone.run(["--version"]);
    await writeFile(join(clone.dir, "packages/cli/src/cli.test.ts"), "// a test\n");
    await clone.edit("packages/cli/src/cli.test.ts");
    expect((await clone.run(["--version"])).stderr).toBe("");
    expect(await clone.pnpmCalls()).toHaveLength(1);
    expect((await stat(join(clone.dir, "node_modules/.cache/qstash-flow/cli-build-stamp"))).isFile()).toBe(true);
  });
});

describe("pnpm demo", () => {
  it("shows the demo's output: one line when it builds, none of the build's", async () => {
    clone = await miniClone();
    const first = await clone.demo();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe("the demo itself\n");
    expect(first.stderr).toBe(
      "qstash-flow: building the CLI first (it was not built from here before); this can take a while...\n",
    );
    expect(await clone.pnpmCalls()).toEqual([
      "exec turbo run build --filter=@qstash-flow/cli... --output-logs=errors-only",
    ]);
    // Built: a second run replays nothing and starts no build tool.
    expect(await clone.demo()).toEqual({ code: 0, stdout: "the demo itself\n", stderr: "" });
    expect(await clone.pnpmCalls()).toHaveLength(1);
  });
});

describe.skipIf(!HAS_TMUX)("pnpm qstash-flow dev in a terminal", () => {
  it("stops on Ctrl-C with exit 0, as the bin alone does", async () => {
    clone = await miniClone();
    // Built already: the real pnpm runs the script, which starts the CLI at once.
    await clone.run(["--version"]);
    const term = await startTerminal(["pnpm", "--dir", clone.dir, "qstash-flow", "dev", "--port", "0"], {
      PATH: process.env.PATH ?? "",
    });
    try {
      await term.waitForScreen((screen) => screen.includes("Ctrl-C stops."), "the dev server's banner");
      await term.sendKeys("C-c");
      expect(await term.exitStatus()).toBe(0);
      expect(await term.captureAll()).toContain("dev server stopped");
    } finally {
      await term.close();
    }
  });
});
