declare const QSTASH_FLOW_CLI_VERSION: string | undefined;

/** The package version, written in at build time; unbuilt sources (in-process tests) say so. */
export const VERSION = typeof QSTASH_FLOW_CLI_VERSION === "string" ? QSTASH_FLOW_CLI_VERSION : "0.0.0-source";
