import { durationText, millisecondsText, sleep } from "@qstash-flow/flow-control";
import type { DeadLetterRead, Finding, Snapshot } from "@qstash-flow/ops";
import { type Command, InvalidArgumentError, Option } from "commander";
import { type ConnectionOptions, flowControlFrom, withConnection } from "../internal/connection.js";
import { type Context, callOptions, guarded } from "../internal/context.js";
import { CommandFailure } from "../internal/errors.js";
import { json, printable } from "../internal/format.js";
import { interval, positiveInteger } from "../internal/parse.js";

interface DoctorFlags extends ConnectionOptions {
  samples: number;
  interval: number;
  prefix?: string;
}

/** Samples closer than this would tell nothing new and only load the API. */
const MIN_INTERVAL_MS = 1000;

/** At least two samples: progress is a difference between two of them. */
function samples(value: string): number {
  const count = positiveInteger(value);
  if (count < 2) throw new InvalidArgumentError("expected at least 2: progress is seen between samples.");
  return count;
}

function report(findings: Finding[], keys: number, snapshots: Snapshot[]): string {
  const seconds = Math.round(((snapshots.at(-1)?.at ?? 0) - (snapshots[0]?.at ?? 0)) / 1000);
  const scope = `${keys} ${keys === 1 ? "key" : "keys"}, ${snapshots.length} samples over ${durationText(seconds)}`;
  if (findings.length === 0) return `No findings (${scope}).\n`;
  const counts = (["error", "warning", "info"] as const)
    .map((severity) => [severity, findings.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}${count > 1 && severity !== "info" ? "s" : ""}`);
  // A block per finding: the messages are sentences, too long for a table column.
  const blocks = findings.map(
    ({ severity, check, key, message }) =>
      `${severity.padEnd(7)}  ${check}  ${printable(key)}\n         ${printable(message)}\n\n`,
  );
  return `${blocks.join("")}${counts.join(", ")} (${scope}).\n`;
}

/** `doctor`: samples every key a few times and says what is wrong, worst first. */
export function addDoctorCommand(program: Command, { io }: Context): void {
  withConnection(
    program
      .command("doctor")
      .description(
        "sample every key a few times and report stuck, paused, growing, rate-bound and pinned keys, and dead letters",
      )
      .addOption(
        new Option("--samples <n>", "how many times to read the keys (at least 2)").default(3).argParser(samples),
      )
      .addOption(
        new Option("--interval <duration>", "time between samples, with a unit: 5s, 1m (at least 1s)")
          .default(5000, "5s")
          .argParser(interval(MIN_INTERVAL_MS)),
      )
      .option("--prefix <prefix>", "only the keys that start with this")
      .addHelpText(
        "after",
        "\nThe DLQ is read once, within one --interval; when it cannot be, the report says so." +
          "\nExit 1 when a finding is an error (a stuck key), else 0.",
      ),
  ).action(
    guarded(async function (this: Command) {
      const options = this.opts<DoctorFlags>();
      const client = flowControlFrom(options, io);
      const { diagnose, readDeadLetters } = await import("@qstash-flow/ops");
      const prefix = options.prefix ?? "";
      // Under --json stderr holds only the JSON error, if any.
      if (io.stderr.isTTY && !options.json) {
        io.stderr.write(`sampling the keys ${options.samples} times, ${millisecondsText(options.interval)} apart...\n`);
      }
      const snapshots: Snapshot[] = [];
      let dlq: Promise<DeadLetterRead> | undefined;
      for (let i = 0; i < options.samples; i++) {
        if (i > 0) await sleep(options.interval, io.signal);
        // An aborted signal makes this call fail as an interruption: no partial report.
        const keys = await client.list(callOptions(io));
        snapshots.push({ at: Date.now(), keys: keys.filter((info) => info.flowControlKey.startsWith(prefix)) });
        // Read while doctor waits for its next sample, within that wait. Handled at once: a
        // later sample that fails or is interrupted leaves the loop before it is awaited.
        if (!dlq) {
          dlq = readDeadLetters(client, options.interval, io.signal);
          dlq.catch(() => {});
        }
      }
      const read = (await dlq) as DeadLetterRead;
      const dead = read.checked ? new Map([...read.counts].filter(([key]) => key.startsWith(prefix))) : undefined;
      const findings = diagnose(snapshots, dead);
      const deadLetters = read.checked ? { checked: true } : read;
      const keys = new Set(snapshots.flatMap((snapshot) => snapshot.keys.map((info) => info.flowControlKey))).size;
      const note = read.checked ? "" : `${printable(`Dead letters not checked: ${read.reason}.`)}\n`;
      io.stdout.write(options.json ? json({ findings, deadLetters }) : report(findings, keys, snapshots) + note);
      const errors = findings.filter((finding) => finding.severity === "error").length;
      if (errors > 0) {
        throw new CommandFailure(`doctor found ${errors} ${errors === 1 ? "error" : "errors"}; see the findings above`);
      }
    }),
  );
}
