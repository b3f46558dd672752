// Fault-injection soak, run as its own Node process by soak.test.ts against the BUILT
// package: a loopback server answers at random with 500, 503, 429, dropped connections
// and stalls; thousands of calls run with bounded concurrency. It prints one JSON summary
// and then must exit on its own: a leaked timer or socket would keep it alive.
import { createServer } from "node:http";
import { FlowControl, QStashError } from "@qstash-flow/flow-control";

const CALLS = Number(process.env.SOAK_CALLS ?? 2000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 32);
const MAX_RETRIES = 2;
const TIMEOUT_MS = 200;

let unhandled = 0;
process.on("unhandledRejection", () => {
  unhandled++;
});

// A seeded generator, so that a failing run can be replayed with the same SOAK_SEED.
let seed = Number(process.env.SOAK_SEED ?? 20_240_611) >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

const attempts = new Map();
// A dropped connection that had served a call before looks like one the server closed
// while idle: the client sends that request again at once, without counting an attempt.
const drops = new Map();
const faults = { ok: 0, 500: 0, 503: 0, 429: 0, drop: 0, stall: 0, 404: 0 };

function answer(request, response) {
  const segment = /^\/v2\/flowControl\/([^/?]+)\/pause$/.exec(request.url ?? "")?.[1];
  const key = segment === undefined ? "" : decodeURIComponent(segment);
  attempts.set(key, (attempts.get(key) ?? 0) + 1);
  const roll = random();
  if (roll < 0.1) {
    faults[500]++;
    response.writeHead(500, { "content-type": "application/json", "retry-after": "0" });
    response.end('{"error":"internal error"}');
  } else if (roll < 0.2) {
    faults[503]++;
    response.writeHead(503, { "retry-after": "0" });
    response.end("unavailable");
  } else if (roll < 0.3) {
    faults[429]++;
    // The reset is now, in unix seconds: the client may retry at once.
    response.writeHead(429, {
      "content-type": "application/json",
      "burst-ratelimit-limit": "100",
      "burst-ratelimit-remaining": "0",
      "burst-ratelimit-reset": String(Math.floor(Date.now() / 1000)),
    });
    response.end('{"error":"too many requests"}');
  } else if (roll < 0.35) {
    faults.drop++;
    drops.set(key, (drops.get(key) ?? 0) + 1);
    request.socket.destroy();
  } else if (roll < 0.38) {
    faults.stall++; // never answered: the client's per-attempt timeout ends it
  } else if (roll < 0.4) {
    faults[404]++;
    response.writeHead(404, { "content-type": "application/json" });
    response.end('{"error":"flow control key not found"}');
  } else {
    faults.ok++;
    response.end();
  }
}

const server = createServer(answer);
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address();
const flow = new FlowControl({
  token: "soak-token",
  baseUrl: `http://127.0.0.1:${port}`,
  maxRetries: MAX_RETRIES,
  timeout: TIMEOUT_MS,
});

const outcomes = {};
const keys = [];
let next = 0;
async function worker() {
  while (next < CALLS) {
    const i = next++;
    // Unique per call, so the server can count attempts per call; odd characters on purpose.
    const key = `soak/${i} ü?#`;
    keys.push(key);
    let outcome;
    try {
      await flow.pause(key);
      outcome = "ok";
    } catch (error) {
      outcome = error instanceof QStashError ? error.name : `untyped ${String(error)}`;
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const elapsedMs = Math.round(performance.now() - started);

const sent = new Set(keys);
const perCall = keys.map((key) => attempts.get(key) ?? 0);
const attemptHistogram = {};
for (const n of perCall) attemptHistogram[n] = (attemptHistogram[n] ?? 0) + 1;

server.close();
server.closeAllConnections();

console.log(
  JSON.stringify({
    calls: CALLS,
    settled: Object.values(outcomes).reduce((a, b) => a + b, 0),
    outcomes,
    faults,
    maxRetries: MAX_RETRIES,
    maxAttemptsPerCall: Math.max(...perCall),
    maxAttemptsPerCallLessDrops: Math.max(...keys.map((key) => (attempts.get(key) ?? 0) - (drops.get(key) ?? 0))),
    attemptHistogram,
    unknownKeys: [...attempts.keys()].filter((key) => !sent.has(key)).length,
    serverAttempts: [...attempts.values()].reduce((a, b) => a + b, 0),
    unhandled,
    elapsedMs,
  }),
);
