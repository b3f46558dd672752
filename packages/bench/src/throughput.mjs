// Per-call throughput: every contestant pauses the same key against one loopback server
// in another process. Rounds interleave the contestants (in a rotating order) so that a
// burst of load from elsewhere on the machine hits all of them, not just one.
import { median } from "./stats.mjs";

/**
 * Calls `call` `ops` times with at most `concurrency` calls in flight; resolves with ops/s.
 * @param {() => Promise<void>} call
 */
export async function opsPerSecond(call, ops, concurrency) {
  let remaining = ops;
  const worker = async () => {
    while (remaining > 0) {
      remaining--;
      await call();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, ops) }, worker));
  return ops / ((performance.now() - start) / 1000);
}

/** The parts of a request that must be the same whichever client sent it. */
function essentials(request) {
  return {
    method: request.method,
    url: request.url,
    authorization: request.headers.authorization,
    body: request.body,
    contentLength: request.headers["content-length"] ?? "0",
  };
}

/**
 * Has the server record one call of each contestant and compares what arrived.
 * @param {{ record: (call: () => Promise<unknown>) => Promise<any> }} server
 * @param {import("./clients.mjs").Contestant[]} list
 * @returns {Promise<{ requests: Record<string, any>, problems: string[] }>}
 */
export async function checkEquivalence(server, list) {
  const requests = {};
  for (const contestant of list) requests[contestant.id] = await server.record(contestant.call);
  const [reference, ...others] = list;
  const expected = essentials(requests[reference.id]);
  const problems = [];
  for (const contestant of others) {
    const actual = essentials(requests[contestant.id]);
    for (const [field, value] of Object.entries(expected)) {
      if (actual[field] !== value) {
        problems.push(
          `${contestant.id} sent ${field} ${JSON.stringify(actual[field])}, ${reference.id} sent ${JSON.stringify(value)}`,
        );
      }
    }
  }
  return { requests, problems };
}

/**
 * @param {import("./clients.mjs").Contestant[]} list
 * @param {{ concurrency: number, ops: number, warmupOps: number, rounds: number }} plan
 * @returns {Promise<{ concurrency: number, results: { id: string, label: string, rounds: number[], median: number, cpuMicros: number, ratios: number[], ratio: number, httpRatios: number[], cpuRatio: number }[] }>}
 */
export async function measureThroughput(list, plan) {
  const { concurrency, ops, warmupOps, rounds } = plan;
  for (const contestant of list) await opsPerSecond(contestant.call, warmupOps, concurrency);
  const samples = Object.fromEntries(list.map((c) => [c.id, []]));
  // CPU time of this process per call: unlike ops/s, barely moved by other load on the machine.
  const cpu = Object.fromEntries(list.map((c) => [c.id, []]));
  await inRounds(list, rounds, async (contestant) => {
    const before = process.cpuUsage();
    samples[contestant.id].push(await opsPerSecond(contestant.call, ops, concurrency));
    const used = process.cpuUsage(before);
    cpu[contestant.id].push((used.user + used.system) / ops);
  });
  return { concurrency, results: summarise(list, samples, cpu) };
}

/**
 * Gives each contestant one turn per round, in an order that rotates from round to round,
 * each turn after a full collection (run with --expose-gc): no contestant pays for the
 * garbage of the one before it, whose collection V8 would do during its turn.
 * @template {{ id: string }} C
 * @param {C[]} list
 * @param {(contestant: C) => Promise<void>} turn
 */
export async function inRounds(list, rounds, turn) {
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < list.length; i++) {
      globalThis.gc?.();
      await turn(list[(round + i) % list.length]);
    }
  }
}

/**
 * Each contestant's figures from its rounds: `samples` (ops/s) and `cpu` (µs per call), one
 * value per round, by contestant id. Exported so that tests can build results as a run does.
 * @param {{ id: string, label: string, after?: string }[]} list
 * @param {Record<string, number[]>} samples
 * @param {Record<string, number[]>} cpu
 */
export function summarise(list, samples, cpu) {
  const baseline = samples.fetch;
  const limit = samples.http;
  return list.map(({ id, label, after }) => {
    // Each round's ratio is taken against bare fetch in the same round, then the median.
    const ratios = baseline ? samples[id].map((value, round) => value / baseline[round]) : [];
    return {
      id,
      label,
      rounds: samples[id],
      median: median(samples[id]),
      cpuMicros: median(cpu[id]),
      // Per round, for differences between contestants measured in the same round.
      cpuRounds: cpu[id],
      // The overhead ladder's step this one builds on.
      after,
      ratios,
      ratio: baseline ? median(ratios) : Number.NaN,
      // The same against bare keep-alive `http.request`; CPU per call as the ratio of the two medians.
      httpRatios: limit ? samples[id].map((value, round) => value / limit[round]) : [],
      cpuRatio: limit ? median(cpu[id]) / median(cpu.http) : Number.NaN,
    };
  });
}
