// The defaults of the library's functions, in an entry of their own: a command line shows
// them in its help without loading the library (and yaml with it).

/** Milliseconds between polls of the metrics when none is given. */
export const DEFAULT_METRICS_INTERVAL_MS = 15_000;
/** Keys exported when no `maxKeys` is given: enough for most accounts, few enough for any Prometheus. */
export const DEFAULT_MAX_KEYS = 1_000;
/** How many `get` calls a plan runs at once for names missing from the list. */
export const DEFAULT_PLAN_CONCURRENCY = 4;
/** The most `get` calls a plan makes for names missing from the list; the rest are planned as new keys. */
export const DEFAULT_MAX_GETS = 20;
