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
// Acting on a key's messages (issue #27) raised both. The function form by about 145 B
// (4.98 kB), none of it the new functions, which tree-shake away: the one pipeline now
// knows which operations must not be sent twice (a regex over method and path) and
// retries those only after a 429, and the query takes the multi-value filters upstream
// documents (`flowControlKey=a&flowControlKey=b`). Both protect every caller of the
// transport, so they cannot live outside the pause path. The class by about 830 B (7.31 kB):
// cancelMessages, list/count/retry/deleteDeadLetters are methods a bundler cannot drop.
// The class by about 40 B more (7.39 kB, issue #23): `fromEnv` throws a `MissingTokenError`
// of its own, so a caller (the CLI) tells a missing token from other bad input without
// reading the environment a second time; the static method keeps it in every class bundle.
// The function form by about 30 B more (5.02 kB): the query refuses an empty list, which
// would otherwise be sent as no filter at all and make a bulk cancel or DLQ action act on
// every message; the check guards every caller of the transport, so it is on the pause path.
// Both by about 95 B more (5.12 kB, 7.48 kB): a client's or a call's headers may not set the
// headers that frame a request (Content-Length, Transfer-Encoding, Keep-Alive, Upgrade,
// Expect). Over `node:http` a wrong length desynchronised the kept-alive connection or hung
// the call; Node's fetch refused some only once the call was on its way. The check is
// where every header is checked, so it is in every bundle.
// Both by about 25 B more (5.14 kB, 7.51 kB, issue #28): the attempt's timer comes from the
// platform's `#send` (a plain setTimeout in browsers), so that Node re-arms a kept one
// instead of making a timer per attempt, which cost about 10 µs of CPU per call one call at
// a time (packages/bench/README.md). Routing it costs the browser the small wrapper.
// The function form then 9 B less, the class 2 B: the longest rate period is a literal,
// which bundles that never pin drop. Then both by about 30 B more (5.17 kB, 7.53 kB, issue
// #28): path parameters are found by a scan instead of a split by a regular expression,
// which V8 runs outside compiled code; at 32 calls in flight that split cost the typed
// client about 5 % of its calls per second, which put it under issue 28's 90 % of bare
// `http.request`. Then the function form by about 100 B less and the class by about 160 B
// (5.07 kB, 7.37 kB): headers checked in one pass, one `isObject` for every shape check,
// actions without a query pass none, an attempt's timeout and the wait between attempts
// armed by one helper (timer and signal), a timed-out attempt told by its error instead of
// a flag, the fetch carrier's two redundant rejection handlers gone, `fromEnv` handing its
// options on as they are, and one reader for the DLQ's lists. Against the sizes when issue
// 28 was filed (5,017 B and 7,381 B) the function form is 44 B larger (the framing-header
// check alone added about 95 B) and the class 13 B smaller.
// Lower a budget when the bundle shrinks; never raise one without saying why.

// Each budget names its bundle's target in targets.mjs (BUNDLE_TARGETS), which the report shows beside it.
export const BUDGETS = [
  {
    name: "pause-only app, pause() function",
    path: "src/apps/flow-control-function.mjs",
    limit: "5.07 kB",
    target: "wrapper-function",
  },
  {
    name: "pause-only app, FlowControl class",
    path: "src/apps/flow-control-class.mjs",
    limit: "7.37 kB",
    target: "wrapper-class",
  },
];

/** "7.5 kB" -> 7500, "900 B" -> 900: the decimal units size-limit reads. */
export function limitBytes(limit) {
  const match = /^(\d+(?:\.\d+)?)\s*(B|kB)$/.exec(limit);
  if (!match) throw new Error(`a budget must look like "4 kB" or "900 B", got ${JSON.stringify(limit)}`);
  return Math.round(Number(match[1]) * (match[2] === "kB" ? 1000 : 1));
}
