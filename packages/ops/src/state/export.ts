import {
  byKey,
  type CallOptions,
  durationText,
  type FlowControl,
  type FlowControlInfo,
} from "@qstash-flow/flow-control";
import { stringify } from "yaml";
import { type DesiredKey, type DesiredState, UNPINNED } from "./desired.js";
import { SCHEMA_URL } from "./schema.js";

export interface ExportOptions extends CallOptions {
  /** Only the keys that start with it. */
  prefix?: string;
}

/** One live key as an entry that `planDesiredState` finds nothing to change in. */
function entryOf(info: FlowControlInfo): DesiredKey {
  const entry: DesiredKey = { paused: info.isPaused };
  // A limit pinned without a value (a period pinned alone) cannot be written as a pin: it is left out, so left alone.
  if (!info.isPinnedParallelism) entry.parallelism = UNPINNED;
  else if (info.parallelismMax > 0) entry.parallelism = info.parallelismMax;
  if (!info.isPinnedRate) entry.rate = UNPINNED;
  else if (info.rateMax > 0) {
    entry.rate = info.rateMax;
    // A pinned rate keeps its period; an unpinned one follows the messages, period included.
    if (info.ratePeriod > 0) entry.period = durationText(info.ratePeriod);
  }
  return entry;
}

/** The live state of every key (or those starting with `prefix`) as a desired state, keys sorted. One `list`. */
export async function exportState(flow: FlowControl, options: ExportOptions = {}): Promise<DesiredState> {
  const { prefix, ...call } = options;
  const keys = (await flow.list(call))
    .filter((info) => prefix === undefined || info.flowControlKey.startsWith(prefix))
    .sort(byKey);
  return { keys: Object.fromEntries(keys.map((info) => [info.flowControlKey, entryOf(info)])) };
}

/** A desired state as the text of a file: YAML with a schema comment for editors, or JSON with `$schema`. */
export function desiredStateText(state: DesiredState, format: "yaml" | "json" = "yaml"): string {
  if (format === "json") return `${JSON.stringify({ $schema: SCHEMA_URL, ...state }, null, 2)}\n`;
  return `# yaml-language-server: $schema=${SCHEMA_URL}\n${stringify(state, { lineWidth: 0 })}`;
}
