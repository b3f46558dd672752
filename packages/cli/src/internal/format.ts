import type { FlowControlInfo, GlobalParallelism } from "@qstash-flow/flow-control";

// Keys and server messages come from the network: a control character in them must not
// move the cursor or recolour the operator's terminal.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with control characters shown as `\u001b`-style escapes. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A period in the largest unit that divides it: `30s`, `5m`, `1h`, `1d`, `90s`. */
export function duration(seconds: number): string {
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** `2/5`, or `2/-` when no limit is configured. */
function usage(count: number, max: number): string {
  return `${count}/${max > 0 ? max : "-"}`;
}

export function parallelismText(info: FlowControlInfo): string {
  return `${usage(info.parallelismCount, info.parallelismMax)}${info.isPinnedParallelism ? " pinned" : ""}`;
}

export function rateText(info: FlowControlInfo): string {
  const per = info.ratePeriod > 0 ? ` per ${duration(info.ratePeriod)}` : "";
  return `${usage(info.rateCount, info.rateMax)}${per}${info.isPinnedRate ? " pinned" : ""}`;
}

export function stateText(info: FlowControlInfo): string {
  return info.isPaused ? "paused" : "active";
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows].map((row) => row.map(printable));
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number)))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

export function keysTable(keys: FlowControlInfo[]): string {
  if (keys.length === 0) return "No flow-control keys.\n";
  return table(
    ["KEY", "STATE", "WAITLIST", "PARALLELISM", "RATE"],
    keys.map((info) => [
      info.flowControlKey,
      stateText(info),
      String(info.waitListSize),
      parallelismText(info),
      rateText(info),
    ]),
  );
}

/** Field/value lines for one key, in the order an operator reads them. */
export function keyFields(info: FlowControlInfo): [string, string][] {
  const fields: [string, string][] = [
    ["key", info.flowControlKey],
    ["state", stateText(info)],
    ["waitlist", String(info.waitListSize)],
    ["parallelism", `${parallelismText(info)} (running/max)`],
    ["rate", `${rateText(info)} (started/max)`],
  ];
  if (info.ratePeriodStart > 0) {
    // A server may send a number no date can hold: show it as it came.
    const start = new Date(info.ratePeriodStart * 1000);
    fields.push(["period start", Number.isNaN(start.getTime()) ? String(info.ratePeriodStart) : start.toISOString()]);
  }
  return fields;
}

export function keyDetails(info: FlowControlInfo): string {
  const fields = keyFields(info);
  const width = Math.max(...fields.map(([name]) => name.length));
  return fields.map(([name, value]) => `${name.padEnd(width)}  ${printable(value)}\n`).join("");
}

export function globalDetails(global: GlobalParallelism): string {
  return `parallelism  ${usage(global.parallelismCount, global.parallelismMax)} (running/max, all keys)\n`;
}

/** Stable, indented JSON with a final newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
