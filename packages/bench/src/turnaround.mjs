// Turnaround: with one call in flight, the wall time from a reply's bytes arriving on the
// socket to the next request's bytes leaving it. It is the client's whole part of a call's
// critical path (reading the reply, settling it, the caller's next call, building and
// writing the request), and it is measured within this process, so load elsewhere on the
// machine moves it far less than CPU per call. On a machine whose idle cores sleep, each
// microsecond of it can cost more than a microsecond of CPU: the server has more time to
// go idle, and waking it is part of the next write.
import net from "node:net";
import { median, medianInterval } from "./stats.mjs";

/**
 * Watches every socket of this process. Only one watch at a time.
 * @returns {{ gaps: number[], stop: () => void }} the turnarounds seen in milliseconds, as they come
 */
export function watchTurnarounds() {
  const proto = net.Socket.prototype;
  // `_writeGeneric` is what `write` and `writev` end in on Node's sockets (undici's included).
  if (typeof proto._writeGeneric !== "function") throw new Error("this Node has no net.Socket#_writeGeneric");
  if (Object.hasOwn(proto, "push")) throw new Error("sockets are already being watched");
  const { push } = proto;
  const writeGeneric = proto._writeGeneric;
  const gaps = [];
  // When the last reply's bytes came in; 0 once a write has answered it.
  let readAt = 0;
  proto.push = function (chunk, encoding) {
    if (chunk) readAt = performance.now();
    return push.call(this, chunk, encoding);
  };
  proto._writeGeneric = function (...args) {
    if (readAt) gaps.push(performance.now() - readAt);
    readAt = 0;
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
 * Each contestant's turnaround at concurrency 1, in rounds that interleave the contestants
 * as the throughput benchmark's do: per round the median of its calls' turnarounds, then
 * the median of the rounds with its interval, in µs. Run apart from the CPU rounds, so
 * that the watching costs them nothing.
 * @param {{ id: string, call: () => Promise<unknown> }[]} list
 * @param {{ ops: number, rounds: number }} plan
 * @returns {Promise<Record<string, { micros: number, low?: number, high?: number, rounds: number[] }>>}
 */
export async function measureTurnaround(list, { ops, rounds }) {
  const perRound = Object.fromEntries(list.map(({ id }) => [id, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < list.length; i++) {
      const contestant = list[(round + i) % list.length];
      const watch = watchTurnarounds();
      try {
        for (let call = 0; call < ops; call++) await contestant.call();
      } finally {
        watch.stop();
      }
      // The first gap spans the pause between rounds, not a call.
      perRound[contestant.id].push(median(watch.gaps.slice(1)) * 1000);
    }
  }
  return Object.fromEntries(
    list.map(({ id }) => {
      const interval = medianInterval(perRound[id]);
      return [id, { micros: median(perRound[id]), low: interval?.low, high: interval?.high, rounds: perRound[id] }];
    }),
  );
}
