import { existsSync } from "node:fs";
import { cp, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { cleanEnv } from "./registry.ts";
import { runOk } from "./run.ts";

const GIT_USER = ["-c", "user.name=qstash-flow e2e", "-c", "user.email=e2e@example.invalid"];

/**
 * A throwaway copy of the workspace to release from: the tracked files as they are in
 * the working tree, installed. It gets its own git repository, so the release commits
 * and tags land there and the real checkout is never touched.
 */
export async function copyWorkspace(root: string, dest: string): Promise<string> {
  const { stdout } = await runOk("git", ["ls-files", "-z"], { cwd: root });
  const files = stdout.split("\0").filter((file) => file !== "" && existsSync(join(root, file)));
  for (const file of files) {
    await mkdir(dirname(join(dest, file)), { recursive: true });
    await cp(join(root, file), join(dest, file), { dereference: false });
  }
  // A real install, as CI does before a release: pnpm publish reads the linked
  // workspace packages to turn `workspace:^` into versions. The store makes it offline.
  await runOk("pnpm", ["install", "--offline", "--frozen-lockfile", "--ignore-scripts"], {
    cwd: dest,
    env: cleanEnv(),
    timeout: 240_000,
  });
  await runOk("git", ["init", "-q", "-b", "main"], { cwd: dest });
  await runOk("git", ["add", "-A"], { cwd: dest });
  await runOk("git", [...GIT_USER, "commit", "-q", "-m", "workspace as tested"], { cwd: dest });
  return dest;
}

export { GIT_USER };
