// The dev server's speed, as users' test suites feel it: publish -> delivery throughput
// against a minimal forwarder (devserver/forwarder.mjs) in the same rounds, without
// limits and with parallelism=10; and the memory a waiting message costs, with 100,000
// held by a paused key. The servers run in a child process (devserver/target.mjs), the
// sink in another (server.mjs), the publisher here.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { nextMessage, startServerProcess } from "./loopback.mjs";
import { opsPerSecond } from "./throughput.mjs";

const TARGET = fileURLToPath(new URL("./devserver/target.mjs", import.meta.url));
/** Every message's body: 100 bytes. */
export const BODY = "x".repeat(100);
export const PARALLELISM = 10;
const KEY = "bench-devserver";
const WITH_PARALLELISM = {
  "upstash-flow-control-key": KEY,
  "upstash-flow-control-value": `parallelism=${PARALLELISM}`,
};

/** The contestants of one round; `ratio` pairs each dev-server row with the forwarder's row of the same limits. */
export const DEVSERVER_CONTESTANTS = [
  { id: "dev", label: "dev server", server: "devServer", limits: "none", headers: {} },
  { id: "forwarder", label: "minimal forwarder", server: "forwarder", limits: "none", headers: {} },
  {
    id: "dev-p10",
    label: "dev server",
    server: "devServer",
    limits: `parallelism=${PARALLELISM}`,
    headers: WITH_PARALLELISM,
  },
  {
    id: "forwarder-p10",
    label: "minimal forwarder",
    server: "forwarder",
    limits: `parallelism=${PARALLELISM}`,
    headers: WITH_PARALLELISM,
  },
];

async function startTarget(mode, execArgv = []) {
  const child = fork(TARGET, [mode], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await nextMessage(child, "listening");
  return {
    ...ready,
    async ask(type) {
      const reply = nextMessage(child, type);
      child.send({ type });
      return reply;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "close" });
      await exited;
    },
  };
}

/** Publishes `count` messages for `destination` through `base`, `concurrency` at a time; any answer but 201 throws. */
export async function publishAll({ base, token, destination, count, concurrency, headers = {} }) {
  const url = `${base}/v2/publish/${encodeURIComponent(destination)}`;
  const init = {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/plain", ...headers },
    body: BODY,
  };
  let refused;
  await opsPerSecond(
    async () => {
      const response = await fetch(url, init);
      const text = await response.text();
      if (response.status !== 201) refused ??= `${response.status} ${text}`;
    },
    count,
    concurrency,
  );
  if (refused) throw new Error(`a publish to ${base} answered ${refused}`);
}

/**
 * One contestant's round: deliveries per second, from the first publish until the sink
 * has received the last message, and the server process's CPU time per delivery (the
 * other server in it is idle meanwhile), which moves far less with load from elsewhere.
 */
async function runRound(target, sink, contestant, { messages, concurrency }) {
  const before = await sink.served();
  const cpuBefore = (await target.ask("cpu")).micros;
  const start = performance.now();
  const arrived = sink.reached(before + messages);
  const base = target[contestant.server];
  const destination = `${sink.url}/hook`;
  await publishAll({
    base,
    token: target.token,
    destination,
    count: messages,
    concurrency,
    headers: contestant.headers,
  });
  await arrived;
  const seconds = (performance.now() - start) / 1000;
  const cpu = (await target.ask("cpu")).micros - cpuBefore;
  return { rate: messages / seconds, cpuMicros: cpu / messages };
}

/**
 * @param {{ messages: number, concurrency: number, rounds: number, warmupRounds: number }} plan
 * @returns {Promise<{ messages: number, concurrency: number, results: { id: string, label: string, limits: string, rounds: number[], cpuMicros: number[] }[] }>}
 */
export async function measureDevServerThroughput(plan) {
  const [target, sink] = await Promise.all([startTarget("throughput"), startServerProcess()]);
  try {
    const rounds = Object.fromEntries(DEVSERVER_CONTESTANTS.map((c) => [c.id, []]));
    const cpu = Object.fromEntries(DEVSERVER_CONTESTANTS.map((c) => [c.id, []]));
    for (let round = -plan.warmupRounds; round < plan.rounds; round++) {
      // A rotating order, so a burst of load from elsewhere does not always hit the same one.
      const shift =
        ((round % DEVSERVER_CONTESTANTS.length) + DEVSERVER_CONTESTANTS.length) % DEVSERVER_CONTESTANTS.length;
      const order = [...DEVSERVER_CONTESTANTS.slice(shift), ...DEVSERVER_CONTESTANTS.slice(0, shift)];
      for (const contestant of order) {
        const measured = await runRound(target, sink, contestant, plan);
        if (round < 0) continue;
        rounds[contestant.id].push(measured.rate);
        cpu[contestant.id].push(measured.cpuMicros);
      }
    }
    return {
      messages: plan.messages,
      concurrency: plan.concurrency,
      results: DEVSERVER_CONTESTANTS.map(({ id, label, limits }) => ({
        id,
        label,
        limits,
        rounds: rounds[id],
        cpuMicros: cpu[id],
      })),
    };
  } finally {
    await Promise.all([target.close(), sink.close()]);
  }
}

/**
 * Memory per waiting message beyond its body: a paused key takes `messages` messages in
 * `blocks` equal blocks; after each, the server process's heap and off-heap bytes after
 * full collections. Each block gives one sample (its growth per message, less the body).
 * @param {{ messages: number, blocks: number, concurrency: number }} plan
 */
export async function measureDevServerMemory(plan) {
  const target = await startTarget("memory", ["--expose-gc"]);
  try {
    const auth = { authorization: `Bearer ${target.token}` };
    const paused = await fetch(`${target.devServer}/v2/flowControl/${KEY}/pause`, { method: "POST", headers: auth });
    if (paused.status !== 200) throw new Error(`pause answered ${paused.status}`);
    const size = (m) => m.heapUsed + m.external;
    const perBlock = Math.floor(plan.messages / plan.blocks);
    const first = await target.ask("memory");
    let previous = first;
    const samples = [];
    for (let block = 0; block < plan.blocks; block++) {
      // Never delivered (the key stays paused); dropped when the server closes.
      const destination = "http://127.0.0.1:9/never";
      const headers = { "upstash-flow-control-key": KEY };
      await publishAll({
        base: target.devServer,
        token: target.token,
        destination,
        count: perBlock,
        concurrency: plan.concurrency,
        headers,
      });
      const now = await target.ask("memory");
      samples.push((size(now) - size(previous)) / perBlock - BODY.length);
      previous = now;
    }
    const key = await (await fetch(`${target.devServer}/v2/flowControl/${KEY}`, { headers: auth })).json();
    const held = perBlock * plan.blocks;
    if (key.waitListSize !== held) throw new Error(`the paused key holds ${key.waitListSize} messages, not ${held}`);
    return {
      messages: held,
      blocks: plan.blocks,
      bodyBytes: BODY.length,
      perMessage: (size(previous) - size(first)) / held - BODY.length,
      samples,
      heapBefore: first.heapUsed,
      heapAfter: previous.heapUsed,
      externalBefore: first.external,
      externalAfter: previous.external,
    };
  } finally {
    await target.close();
  }
}
