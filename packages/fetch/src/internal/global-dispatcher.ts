// Whether the app has set a global dispatcher for `fetch` (undici's `setGlobalDispatcher`:
// a MockAgent, a ProxyAgent, an EnvHttpProxyAgent, an Agent of its own). Node's fetch and
// undici keep it on globalThis under these registered symbols (`.1` up to undici 7, `.2`
// from undici 8); `node:http` never looks at them, so where one is set the Node carrier
// sends through `fetch` instead (send-node.ts).

const SLOTS = [Symbol.for("undici.globalDispatcher.1"), Symbol.for("undici.globalDispatcher.2")];

/**
 * Started with `NODE_USE_ENV_PROXY=1` or `--use-env-proxy`, newer Node versions send
 * `fetch` (and their own global agents, not this package's) through the proxy that
 * `HTTP_PROXY`/`HTTPS_PROXY` name: then fetch carries every call. Read once, as Node does.
 */
export const ENV_PROXY =
  process.env.NODE_USE_ENV_PROXY === "1" ||
  [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].includes("--use-env-proxy");

// Per slot: the dispatcher last looked at, and whether it connects directly.
const seen: unknown[] = [undefined, undefined];
const direct: boolean[] = [true, true];

/**
 * True when `fetch` would send through a dispatcher the app set. Nothing set, or only the
 * plain `Agent` that Node's fetch (or undici, on import) installs by itself, means direct
 * connections, which `node:http` makes as well. Read on every attempt, so a dispatcher set
 * after the client was made applies; the verdict is kept per dispatcher.
 */
export function appDispatcherSet(): boolean {
  for (let i = 0; i < SLOTS.length; i++) {
    const dispatcher = (globalThis as Record<symbol, unknown>)[SLOTS[i] as symbol];
    if (dispatcher === undefined) continue;
    if (dispatcher !== seen[i]) {
      seen[i] = dispatcher;
      direct[i] = isDefaultAgent(dispatcher);
    }
    if (!direct[i]) return true;
  }
  return false;
}

/**
 * An undici `Agent` made without options, as Node and undici make their default one. No
 * API tells it apart, so this reads its class name and its options; anything else, or a
 * future undici whose shape differs, counts as the app's: then the call goes through
 * `fetch`, which is always right (only slower), never around a mock or a proxy.
 */
function isDefaultAgent(dispatcher: unknown): boolean {
  if (typeof dispatcher !== "object" || dispatcher === null) return false;
  if (dispatcher.constructor?.name !== "Agent" || Object.hasOwn(dispatcher, "dispatch")) return false;
  const key = Object.getOwnPropertySymbols(dispatcher).find((symbol) => symbol.description === "options");
  const options = key && (dispatcher as Record<symbol, unknown>)[key];
  if (typeof options !== "object" || options === null) return false;
  // undici 7 and later fill in `maxOrigins: Infinity`; every other option left unset.
  return Object.entries(options).every(
    ([name, value]) => value === undefined || (name === "maxOrigins" && value === Infinity),
  );
}
