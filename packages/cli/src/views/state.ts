import { durationText } from "@qstash-flow/flow-control";
import type { Change, ChangeResult, CurrentLimits, Plan, PlanReads } from "@qstash-flow/ops";
import { errorMessage } from "../internal/errors.js";
import { printable } from "../internal/format.js";

function nowParallelism(current: CurrentLimits): string {
  if (current.isPinnedParallelism) return `pinned at ${current.parallelismMax}`;
  return current.parallelismMax > 0 ? `${current.parallelismMax}, not pinned` : "none";
}

function rateOf(rate: number, period: number): string {
  return period > 0 ? `${rate} per ${durationText(period)}` : String(rate);
}

function nowRate(current: CurrentLimits): string {
  const rate = rateOf(current.rateMax, current.ratePeriod);
  if (current.isPinnedRate) return `pinned at ${rate}`;
  return current.rateMax > 0 ? `${rate}, not pinned` : "none";
}

/** One change in words: `pin parallelism 5 (now 3, not pinned); resets the rate count`. */
function changeText(change: Change, withCurrent = true): string {
  switch (change.action) {
    case "pause":
      return "pause (messages wait until resumed)";
    case "resume":
      return "resume (the waitlist drains)";
    case "pin": {
      const { current } = change;
      const parts: string[] = [];
      if (change.parallelism !== undefined) {
        parts.push(`parallelism ${change.parallelism}${withCurrent ? ` (now ${nowParallelism(current)})` : ""}`);
      }
      if (change.rate !== undefined) {
        // Without a period in the file the key keeps its own: show it, so the reviewer knows.
        const rate = rateOf(change.rate, change.period ?? current.ratePeriod);
        parts.push(`rate ${rate}${withCurrent ? ` (now ${nowRate(current)})` : ""}`);
      }
      return `pin ${parts.join(", ")}; resets the rate count`;
    }
    case "unpin": {
      const { current } = change;
      const parts: string[] = [];
      if (change.parallelism) parts.push(`parallelism${withCurrent ? ` (now ${nowParallelism(current)})` : ""}`);
      if (change.rate) parts.push(`rate${withCurrent ? ` (now ${nowRate(current)})` : ""}`);
      return `unpin ${parts.join(" and ")}`;
    }
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The plan for people: key by key, with the entry that chose each key when it was a pattern. */
export function planText(plan: Plan): string {
  const lines: string[] = [];
  const keys = new Set(plan.changes.map((change) => change.key));
  if (plan.changes.length === 0) lines.push("No changes: the live keys match the file.");
  else lines.push(`${count(plan.changes.length, "change")} to ${count(keys.size, "key")}:`);
  let last: string | undefined;
  for (const change of plan.changes) {
    if (change.key !== last) {
      const by = change.entry !== change.key ? ` (by ${JSON.stringify(change.entry)})` : "";
      lines.push(`  ${JSON.stringify(change.key)}${by}`);
      last = change.key;
    }
    lines.push(`    ${change.action === "pin" ? "! " : "  "}${changeText(change)}`);
  }
  if (plan.unknownKeys.length > 0) {
    lines.push(
      `Not on the server yet, planned as new keys: ${plan.unknownKeys.map((key) => JSON.stringify(key)).join(", ")}`,
    );
  }
  lines.push(readsText(plan.reads));
  return `${lines.map(printable).join("\n")}\n`;
}

/** `Read: 1 list, 3 gets for names the list lacks (at most 20, 4 at a time).` */
function readsText(reads: PlanReads): string {
  let text = `Read: 1 list, ${count(reads.get, "get")}`;
  if (reads.get > 0 || reads.unchecked > 0) {
    text += ` for names the list lacks (at most ${reads.maxGets}, ${reads.concurrency} at a time)`;
  }
  if (reads.unchecked > 0) text += `; ${count(reads.unchecked, "more name")} planned as new without a get`;
  return `${text}.`;
}

/** The plan for scripts: `{ changes, reads }`, plus `unknownKeys` when the file names keys the server lacks. */
export function planJson(plan: Plan): Record<string, unknown> {
  return {
    changes: plan.changes,
    ...(plan.unknownKeys.length > 0 && { unknownKeys: plan.unknownKeys }),
    reads: plan.reads,
  };
}

/** One line per change as it was carried out. */
export function resultLine(result: ChangeResult): string {
  const what = `${JSON.stringify(result.change.key)} ${changeText(result.change, false)}`;
  if (result.status === "done") return printable(`done     ${what}`);
  if (result.status === "failed") return printable(`failed   ${what}: ${errorMessage(result.error)}`);
  if (result.status === "interrupted") return printable(`interrupted: may have been applied: ${what}`);
  return printable(`skipped  ${what}`);
}

export function tally(results: readonly ChangeResult[]): {
  done: number;
  failed: number;
  interrupted: number;
  skipped: number;
} {
  return {
    done: results.filter((r) => r.status === "done").length,
    failed: results.filter((r) => r.status === "failed").length,
    interrupted: results.filter((r) => r.status === "interrupted").length,
    skipped: results.filter((r) => r.status === "skipped").length,
  };
}

/** `Applied 4 of 5 changes: 1 failed, 0 skipped.`, with the interrupted ones when there are any. */
export function totalText(results: readonly ChangeResult[]): string {
  const { done, failed, interrupted, skipped } = tally(results);
  const cut = interrupted > 0 ? `${interrupted} interrupted (may have been applied), ` : "";
  return `Applied ${done} of ${count(results.length, "change")}: ${failed} failed, ${cut}${skipped} skipped.\n`;
}

/** A result for scripts: the change, its status and, when it failed or was interrupted, the error's message. */
export function resultJson(result: ChangeResult): Record<string, unknown> {
  return {
    ...result.change,
    status: result.status,
    ...((result.status === "failed" || result.status === "interrupted") && { error: errorMessage(result.error) }),
  };
}
