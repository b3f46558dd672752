import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanEnv, PUBLIC_REGISTRY, registryConfig, registryEnv } from "../scripts/registry-config.mjs";
import { startService } from "./run.ts";

export { cleanEnv };

const LAUNCHER = fileURLToPath(new URL("../scripts/verdaccio.mjs", import.meta.url));

export interface LocalRegistry {
  url: string;
  /** The environment for npm, pnpm and changesets to use this registry and nothing else. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Starts a local npm registry in `dir` (storage, config, npmrc) on 127.0.0.1. */
export async function startRegistry(dir: string): Promise<LocalRegistry> {
  const uplink = process.env.npm_config_registry || PUBLIC_REGISTRY;
  await mkdir(join(dir, "storage"), { recursive: true });
  const configPath = join(dir, "config.yaml");
  await writeFile(configPath, registryConfig(uplink));
  const service = await startService<{ url: string }>("node", [LAUNCHER, configPath], {
    cwd: dir,
    env: cleanEnv(),
    timeout: 180_000,
  });
  const url = service.info.url;
  const npmrc = join(dir, "npmrc");
  const { npmrcText, env } = registryEnv(url, npmrc);
  await writeFile(npmrc, npmrcText);
  return { url, env, close: service.stop };
}
