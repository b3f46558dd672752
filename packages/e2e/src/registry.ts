import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startService } from "./run.ts";

const LAUNCHER = fileURLToPath(new URL("../scripts/verdaccio.mjs", import.meta.url));
const PUBLIC_REGISTRY = "https://registry.npmjs.org/";

export interface LocalRegistry {
  url: string;
  /** The environment for npm, pnpm and changesets to use this registry and nothing else. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

// Our scope is served only from what we publish (no uplink), so a consumer can never get
// a package from the public registry by mistake; everything else is proxied from it.
function config(uplink: string): string {
  return `storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: -1
uplinks:
  npmjs:
    url: ${JSON.stringify(uplink)}
    timeout: 60s
packages:
  "@qstash-flow/*":
    access: $all
    publish: $all
    unpublish: $all
  "**":
    access: $all
    publish: $all
    proxy: npmjs
log: { type: stdout, format: pretty, level: error }
`;
}

/**
 * The parent's environment without the npm and pnpm settings that a `pnpm run` puts in
 * it: those would point npm back at the public registry.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_)/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** Starts a local npm registry in `dir` (storage, config, npmrc) on 127.0.0.1. */
export async function startRegistry(dir: string): Promise<LocalRegistry> {
  const uplink = process.env.npm_config_registry || PUBLIC_REGISTRY;
  await mkdir(join(dir, "storage"), { recursive: true });
  const configPath = join(dir, "config.yaml");
  await writeFile(configPath, config(uplink));
  const service = await startService<{ url: string }>("node", [LAUNCHER, configPath], {
    cwd: dir,
    env: cleanEnv(),
    timeout: 180_000,
  });
  const url = service.info.url;
  const registryHost = new URL(url);
  // npm and pnpm refuse to publish without a token; the registry accepts any for our scope.
  const npmrc = join(dir, "npmrc");
  await writeFile(npmrc, `registry=${url}\n//${registryHost.host}/:_authToken=e2e-dummy-token\n`);
  const env = cleanEnv({
    npm_config_registry: url,
    npm_config_userconfig: npmrc,
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
  });
  return { url, env, close: service.stop };
}
