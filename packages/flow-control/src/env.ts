import { REGIONS, type Region } from "@qstash-flow/fetch";

/** `eu-central-1` as the official SDK's variables spell it: `EU_CENTRAL_1`. */
type EnvSpelling<R extends string> = R extends `${infer Head}-${infer Tail}`
  ? `${Uppercase<Head>}_${EnvSpelling<Tail>}`
  : Uppercase<R>;
export type EnvRegion = EnvSpelling<Region>;

/** The regions `QSTASH_REGION` names: the client's regions (one table), spelled as variables spell them. */
// Pure: a bundle that never reads the environment drops it.
export const ENV_REGIONS: readonly EnvRegion[] = /* @__PURE__ */ REGIONS.map(
  (region) => region.toUpperCase().replaceAll("-", "_") as EnvRegion,
);

export type Env = Record<string, string | undefined>;

/** Values given in code or on a command line; each one given wins over the environment. */
export interface ExplicitCredentials {
  token?: string | undefined;
  baseUrl?: string | undefined;
  region?: Region | undefined;
}

export interface Credentials {
  /** `undefined` when neither the options nor the environment hold one. */
  token: string | undefined;
  /** `undefined`: the explicit `region`, else the client's default URL. */
  baseUrl: string | undefined;
  /** The explicit region, passed through. */
  region: Region | undefined;
  /** Where the token came from: `"options"` or the variable's name. */
  tokenFrom: string | undefined;
  /** Where the URL came from: `"options"` or the variable's name. */
  baseUrlFrom: string | undefined;
  /**
   * Set when `QSTASH_REGION` is set but could not be followed (an unknown region, or its
   * variables missing) and `QSTASH_URL` / `QSTASH_TOKEN` were read instead. A library does
   * not print: the caller decides whether to show it.
   */
  warning: string | undefined;
}

/** A variable's value, or `undefined` when it is unset or blank (an empty line in a `.env` file). */
function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value?.trim() ? value : undefined;
}

/** `EU_CENTRAL_1` or `US_EAST_1` from any case, with `-` or `_`; `undefined` for anything else. */
export function envRegion(value: string): EnvRegion | undefined {
  const normalized = value.trim().toUpperCase().replaceAll("-", "_");
  return ENV_REGIONS.find((region) => region === normalized);
}

/**
 * The credentials a client uses, in the official SDK's order: explicit options first;
 * then, when `QSTASH_REGION` names a region, `<REGION>_QSTASH_URL` and
 * `<REGION>_QSTASH_TOKEN` (used as a pair, both or neither); then `QSTASH_URL` and
 * `QSTASH_TOKEN`. Where the region's pair is incomplete it falls back to the plain
 * variables, as the SDK does, and says so in `warning`. An explicit `region` takes the
 * place of `QSTASH_REGION` for the token: `<REGION>_QSTASH_TOKEN` if set, else `QSTASH_TOKEN`.
 */
export function credentialsFromEnv(env: Env, explicit: ExplicitCredentials = {}): Credentials {
  const urlGiven = explicit.baseUrl !== undefined || explicit.region !== undefined;
  const result: Credentials = {
    token: explicit.token,
    baseUrl: explicit.baseUrl,
    region: explicit.region,
    tokenFrom: explicit.token !== undefined ? "options" : undefined,
    baseUrlFrom: urlGiven ? "options" : undefined,
    warning: undefined,
  };
  // Nothing left to read: the environment, and its warnings, do not matter.
  if (explicit.token !== undefined && urlGiven) return result;

  let prefix = "";
  const raw = read(env, "QSTASH_REGION");
  if (explicit.region !== undefined) {
    // A region given in code picks its own token, where there is one: each region has its own.
    const region = envRegion(explicit.region);
    if (region && read(env, `${region}_QSTASH_TOKEN`)) prefix = `${region}_`;
  } else if (raw !== undefined) {
    const region = envRegion(raw);
    const missing = region ? [`${region}_QSTASH_URL`, `${region}_QSTASH_TOKEN`].filter((n) => !read(env, n)) : [];
    if (!region) {
      result.warning = `QSTASH_REGION is ${JSON.stringify(raw)}, not one of ${ENV_REGIONS.join(", ")}`;
    } else if (missing.length > 0) {
      result.warning = `QSTASH_REGION is ${region} but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set`;
    } else prefix = `${region}_`;
    if (result.warning) result.warning += ": falling back to QSTASH_URL and QSTASH_TOKEN";
  }

  if (explicit.token === undefined) {
    result.token = read(env, `${prefix}QSTASH_TOKEN`);
    if (result.token !== undefined) result.tokenFrom = `${prefix}QSTASH_TOKEN`;
  }
  if (!urlGiven) {
    result.baseUrl = read(env, `${prefix}QSTASH_URL`);
    if (result.baseUrl !== undefined) result.baseUrlFrom = `${prefix}QSTASH_URL`;
  }
  return result;
}
