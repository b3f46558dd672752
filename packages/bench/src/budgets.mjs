// The size budgets CI enforces with size-limit (see ../.size-limit.js): today's sizes
// rounded up, to catch growth. They were 4 kB and 5.1 kB until the request pipeline was
// rebuilt as one pipeline with a home per job (options, URL, attempts, reply) instead of
// code shaped for bytes, and gained what a hostile run asked for: success replies checked
// against the API's shape, redirects refused, server text escaped, a long Retry-After
// failing at once. That costs about 850 B gzipped (function form 4,843 B, class 5,951 B).
// The class then grew by about 500 B (6,450 B): `FlowControl.fromEnv` follows the official
// SDK's QSTASH_REGION variables and the client says where its credentials came from
// (`credentialsSource`); a bundler cannot drop a class's static method, so every class
// user carries it, while the function form does not.
// Lower a budget when the bundle shrinks; never raise one without saying why.

export const BUDGETS = [
  { name: "pause-only app, pause() function", path: "src/apps/flow-control-function.mjs", limit: "4.9 kB" },
  { name: "pause-only app, FlowControl class", path: "src/apps/flow-control-class.mjs", limit: "6.5 kB" },
];

/** "7.5 kB" -> 7500, "900 B" -> 900: the decimal units size-limit reads. */
export function limitBytes(limit) {
  const match = /^(\d+(?:\.\d+)?)\s*(B|kB)$/.exec(limit);
  if (!match) throw new Error(`a budget must look like "4 kB" or "900 B", got ${JSON.stringify(limit)}`);
  return Math.round(Number(match[1]) * (match[2] === "kB" ? 1000 : 1));
}
