// The dev server's section of the report: publish -> delivery against a minimal
// forwarder, and memory per waiting message.
import { table } from "./markdown.mjs";
import { median, medianInterval, paired, whole, withInterval } from "./stats.mjs";

export function devServerSection({ throughput, memory }) {
  const lines = ["## The dev server: publish -> delivery, and memory per waiting message", ""];
  if (throughput) {
    const byId = Object.fromEntries(throughput.results.map((r) => [r.id, r]));
    lines.push(
      "The dev server and a minimal forwarder (packages/bench/src/devserver/forwarder.mjs: it takes the same publish, " +
        "answers 201 and POSTs the body to the destination over a keep-alive agent, keeping at most N in flight for " +
        "`parallelism=N`) run side by side in one child process; the sink is the loopback server in another, the " +
        `publisher (fetch, ${throughput.concurrency} publishes in flight) in a third. Each round publishes ` +
        `${whole(throughput.messages)} messages of 100 B through each contestant in turn (rotating the order) and ` +
        "times from the first publish until the sink has received the last one. The ratio is the median over rounds " +
        "of the dev server's deliveries/s divided by the forwarder's with the same limits in the same round, with a " +
        "confidence interval of at least 95 %. Server CPU per delivery is the child process's CPU time (user + system) " +
        "per message, publish included, median over rounds; it moves less with load from elsewhere.",
      "",
      table(
        [
          "limits",
          "server",
          "median deliveries/s",
          "vs the forwarder",
          "server CPU per delivery",
          "slowest-fastest round",
        ],
        throughput.results.map((r) => {
          const base = byId[r.id.replace(/^dev/, "forwarder")];
          const ratios = base && r.id !== base.id ? paired(r.rounds, base.rounds) : undefined;
          return [
            r.limits,
            r.label,
            whole(median(r.rounds)),
            ratios ? withInterval(ratios) : "-",
            `${whole(median(r.cpuMicros))} µs`,
            `${whole(Math.min(...r.rounds))}-${whole(Math.max(...r.rounds))}`,
          ];
        }),
        ["", "", "r", "r", "r", ""],
      ),
    );
  }
  if (memory) {
    const interval = medianInterval(memory.samples);
    const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
    lines.push(
      "",
      `Memory: a paused key takes ${whole(memory.messages)} messages of ${memory.bodyBytes} B in ${memory.blocks} ` +
        "blocks, published into a fresh dev-server process; after each block the process's heap and off-heap " +
        "(Buffer) bytes are read after full collections. Each block's growth per message, less the body, is one " +
        "sample; the interval is for their median.",
      "",
      table(
        ["messages held", "beyond the body, per message", "per block: median (95 % interval)", "heap", "off-heap"],
        [
          [
            whole(memory.messages),
            `${whole(memory.perMessage)} B`,
            interval
              ? `${whole(median(memory.samples))} B (${whole(interval.low)}-${whole(interval.high)})`
              : `${whole(median(memory.samples))} B`,
            `${mib(memory.heapBefore)} -> ${mib(memory.heapAfter)}`,
            `${mib(memory.externalBefore)} -> ${mib(memory.externalAfter)}`,
          ],
        ],
        ["r", "r", "r", "r", "r"],
      ),
    );
  }
  return lines.join("\n");
}
