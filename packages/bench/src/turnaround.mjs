// Turnaround: with one call in flight, the wall time from a reply's bytes arriving on the
// socket to the next request's bytes leaving it: the client's whole part of a call's
// critical path (reading the reply, settling it, the caller's next call, building and
// writing the request). On a machine whose idle cores sleep, each microsecond of it can
// cost more than a microsecond of CPU: the server has had longer to go idle, and waking it
// is part of the next write.
import net from "node:net";
import { median } from "./stats.mjs";
import { inRounds } from "./throughput.mjs";

/**
 * Watches the network sockets of this process (those with a peer port: not a pipe such as
 * stdout). Only one watch at a time.
 * @returns {{ gaps: number[], stop: () => void }} the turnarounds seen, in milliseconds
 */
export function watchTurnarounds() {
  const proto = net.Socket.prototype;
  // `_writeGeneric` is what `write` and `writev` end in on Node's sockets (undici's included).
  if (typeof proto._writeGeneric !== "function") throw new Error("this Node has no net.Socket#_writeGeneric");
  if (Object.hasOwn(proto, "push")) throw new Error("sockets are already being watched");
  const { push } = proto;
  const writeGeneric = proto._writeGeneric;
  const gaps = [];
  // When the last reply's bytes came in; 0 once a request has followed them.
  let readAt = 0;
  proto.push = function (chunk, encoding) {
    if (chunk && this.remotePort !== undefined) readAt = performance.now();
    return push.call(this, chunk, encoding);
  };
  proto._writeGeneric = function (...args) {
    if (readAt && this.remotePort !== undefined) {
      gaps.push(performance.now() - readAt);
      readAt = 0;
    }
    return writeGeneric.apply(this, args);
  };
  return {
    gaps,
    stop() {
      delete proto.push;
      proto._writeGeneric = writeGeneric;
    },
  };
}

/**
 * Each contestant's turnaround at concurrency 1, per round the median of its calls' in µs,
 * in rounds of their own (as the throughput benchmark's: interleaved, each turn after a
 * full collection), so that the watching costs the CPU rounds nothing.
 * @param {{ id: string, call: () => Promise<unknown> }[]} list
 * @param {{ ops: number, rounds: number }} plan
 * @returns {Promise<Record<string, number[]>>} by contestant id, one value per round
 */
export async function measureTurnaround(list, { ops, rounds }) {
  const perRound = Object.fromEntries(list.map(({ id }) => [id, []]));
  await inRounds(list, rounds, async (contestant) => {
    const watch = watchTurnarounds();
    try {
      for (let call = 0; call < ops; call++) await contestant.call();
    } finally {
      watch.stop();
    }
    perRound[contestant.id].push(median(watch.gaps) * 1000);
  });
  return perRound;
}
