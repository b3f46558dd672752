// The local credentials and port upstream documents for its own local QStash server, so
// apps already set up for it (and the official SDK's dev mode) work unchanged. They are
// public: they protect nothing, which is why a non-loopback host needs a token of its own.
// A module of its own, so a CLI can show the defaults without loading the server; the
// port-in-use wording it shares with the bin comes with them.

/** The port `startDevServer` and the bin listen on when none is given. */
export const DEFAULT_PORT = 8080;
/** The token clients send when none is configured: upstream's documented local token. */
export const DEFAULT_DEV_TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";
/** The key deliveries are signed with when none is configured (`QSTASH_CURRENT_SIGNING_KEY`). */
export const DEFAULT_CURRENT_SIGNING_KEY = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
/** The next signing key receivers accept when none is configured (`QSTASH_NEXT_SIGNING_KEY`). */
export const DEFAULT_NEXT_SIGNING_KEY = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs";

/** QStash's retry delays are multiplied by this by default: seconds to hours become milliseconds to seconds. */
export const DEFAULT_RETRY_DELAY_SCALE = 0.001;

/** The one port-in-use check and wording, for the bin, `qstash-flow dev` and `qstash-flow metrics`. */
export { isPortInUse, portInUseText } from "./port-in-use.js";
