// The local npm registry's settings, shared by the release rehearsal (src/registry.ts) and
// `pnpm local-registry` (scripts/local-registry.mjs): one place says what it serves.

export const PUBLIC_REGISTRY = "https://registry.npmjs.org/";

/**
 * verdaccio's config: our scope is served only from what we publish (no uplink), so a
 * consumer can never get a package of ours from the public registry by mistake;
 * everything else is proxied from `uplink`.
 * @param {string} uplink
 * @returns {string}
 */
export function registryConfig(uplink) {
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
logs: { type: stdout, format: pretty, level: error }
`;
}

/**
 * The parent's environment without the npm and pnpm settings that a `pnpm run` puts in
 * it: those would point npm back at the public registry.
 * @param {NodeJS.ProcessEnv} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function cleanEnv(extra = {}) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_)/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * The environment for npm, pnpm and changesets to publish to and install from `url` and
 * nothing else; `npmrc` is written there (npm and pnpm refuse to publish without a token;
 * the registry accepts any for our scope).
 * @param {string} url
 * @param {string} npmrc
 * @returns {{ npmrcText: string, env: NodeJS.ProcessEnv }}
 */
export function registryEnv(url, npmrc) {
  const npmrcText = `registry=${url}\n//${new URL(url).host}/:_authToken=local-dummy-token\n`;
  const env = cleanEnv({
    npm_config_registry: url,
    npm_config_userconfig: npmrc,
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
  });
  return { npmrcText, env };
}
