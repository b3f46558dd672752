import { compareKeys, durationText, type FlowControlInfo } from "@qstash-flow/flow-control";
import { started } from "../trends.js";

export type Severity = "error" | "warning" | "info";
export type Check = "stuck" | "paused-with-waitlist" | "dead-letters" | "waitlist-growing" | "rate-bound" | "pinned";

/** One problem with one key, and what to do about it. */
export interface Finding {
  key: string;
  check: Check;
  severity: Severity;
  message: string;
}

/** What one `list` call saw, and when (milliseconds since the epoch). */
export interface Snapshot {
  at: number;
  keys: FlowControlInfo[];
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const CHECK_RANK: Record<Check, number> = {
  stuck: 0,
  "paused-with-waitlist": 1,
  "dead-letters": 2,
  "waitlist-growing": 3,
  "rate-bound": 4,
  pinned: 5,
};

/** Worst first; then by check and key, so that the same state always reads the same. */
function worstFirst(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    CHECK_RANK[a.check] - CHECK_RANK[b.check] ||
    compareKeys(a.key, b.key)
  );
}

/** The key quoted as the CLI's own messages quote it, for the commands suggested. */
const q = (key: string) => JSON.stringify(key);

function span(snapshots: Snapshot[]): string {
  const first = snapshots[0] as Snapshot;
  const last = snapshots.at(-1) as Snapshot;
  return `${snapshots.length} samples over ${durationText(Math.round((last.at - first.at) / 1000))}`;
}

function stuck(series: FlowControlInfo[], when: string): Finding | undefined {
  const first = series[0] as FlowControlInfo;
  // "Rate count unchanged" means no delivery started: a new rate period resets the
  // count without anything having moved.
  const held = series.every(
    (info, i) =>
      info.parallelismMax > 0 &&
      info.parallelismCount >= info.parallelismMax &&
      info.waitListSize > 0 &&
      info.waitListSize === first.waitListSize &&
      info.parallelismCount === first.parallelismCount &&
      (i === 0 || started(series[i - 1] as FlowControlInfo, info) === 0),
  );
  if (!held) return undefined;
  return {
    key: first.flowControlKey,
    check: "stuck",
    severity: "error",
    message:
      `parallelism full (${first.parallelismCount}/${first.parallelismMax} in flight) and ${first.waitListSize} waiting, ` +
      `nothing changed in ${when}: ` +
      "deliveries in flight are not finishing. Check that the destination answers, and within the delivery timeout; " +
      `\`qstash-flow pin ${q(first.flowControlKey)} --parallelism N\` adds slots meanwhile.`,
  };
}

function growing(series: FlowControlInfo[], when: string): Finding | undefined {
  const sizes = series.map((info) => info.waitListSize);
  if (!sizes.every((size, i) => i === 0 || size > (sizes[i - 1] as number))) return undefined;
  const key = (series[0] as FlowControlInfo).flowControlKey;
  return {
    key,
    check: "waitlist-growing",
    severity: "warning",
    message:
      `the waitlist grew at every sample (${sizes.join(" -> ")}, ${when}): messages arrive faster than the key lets them out. ` +
      `Check its limits and state with \`qstash-flow get ${q(key)}\`, or watch it with \`qstash-flow watch ${q(key)}\`.`,
  };
}

function current(series: FlowControlInfo[], count: number): Finding[] {
  const last = series.at(-1) as FlowControlInfo;
  const key = last.flowControlKey;
  const findings: Finding[] = [];
  if (last.isPaused && last.waitListSize > 0) {
    findings.push({
      key,
      check: "paused-with-waitlist",
      severity: "warning",
      message: `paused with ${last.waitListSize} messages waiting; nothing is delivered until \`qstash-flow resume ${q(key)}\`.`,
    });
  }
  const bound = series.filter((info) => info.rateMax > 0 && info.rateCount >= info.rateMax).length;
  if (bound > 0) {
    findings.push({
      key,
      check: "rate-bound",
      severity: "info",
      message:
        `the rate limit (${last.rateMax} per ${durationText(last.ratePeriod)}) was reached in ${bound} of ${count} samples; ` +
        "further deliveries wait for the next period. If that is not intended, raise the rate its messages carry " +
        `or \`qstash-flow pin ${q(key)} --rate N\`.`,
    });
  }
  const pins = [
    last.isPinnedParallelism ? `parallelism pinned at ${last.parallelismMax}` : "",
    last.isPinnedRate ? `rate pinned at ${last.rateMax} per ${durationText(last.ratePeriod)}` : "",
  ].filter(Boolean);
  if (pins.length > 0) {
    const flags = [last.isPinnedParallelism ? "--parallelism" : "", last.isPinnedRate ? "--rate" : ""].filter(Boolean);
    findings.push({
      key,
      check: "pinned",
      severity: "info",
      message:
        `${pins.join(", ")}: the configuration on incoming messages is ignored. ` +
        `\`qstash-flow unpin ${q(key)} ${flags.join(" ")}\` when the pin is no longer needed.`,
    });
  }
  return findings;
}

/** A key with dead letters: its messages that exhausted their retries wait for someone to act. */
function deadLetters(key: string, count: number): Finding {
  return {
    key,
    check: "dead-letters",
    severity: "warning",
    message:
      `${count} dead letter${count === 1 ? "" : "s"}: messages that exhausted their retries. ` +
      `See them with \`qstash-flow dlq list ${q(key)}\`; once the destination answers, ` +
      `\`qstash-flow dlq retry ${q(key)}\` delivers them again and \`qstash-flow dlq delete ${q(key)}\` drops them.`,
  };
}

/**
 * The findings over `snapshots` (oldest first), worst first. `stuck` and
 * `waitlist-growing` need at least two snapshots and a key present in every one; the
 * other checks read the key's latest state. `dead` (dead letters per key, when the DLQ
 * was read) adds a warning per key that has any.
 */
export function diagnose(snapshots: Snapshot[], dead: Map<string, number> = new Map()): Finding[] {
  const fromDlq = [...dead].filter(([, count]) => count > 0).map(([key, count]) => deadLetters(key, count));
  if (snapshots.length === 0) return fromDlq.sort(worstFirst);
  const series = new Map<string, (FlowControlInfo | undefined)[]>();
  snapshots.forEach((snapshot, i) => {
    for (const info of snapshot.keys) {
      const entries = series.get(info.flowControlKey) ?? Array.from({ length: snapshots.length }, () => undefined);
      entries[i] = info;
      series.set(info.flowControlKey, entries);
    }
  });
  const when = span(snapshots);
  const findings: Finding[] = fromDlq;
  for (const entries of series.values()) {
    const seen = entries.filter((info): info is FlowControlInfo => info !== undefined);
    if (snapshots.length >= 2 && seen.length === snapshots.length) {
      for (const finding of [stuck(seen, when), growing(seen, when)]) if (finding) findings.push(finding);
    }
    findings.push(...current(seen, seen.length));
  }
  return findings.sort(worstFirst);
}
