import { durationText, type FlowControlInfo, type GlobalParallelism } from "@qstash-flow/flow-control";
import stringWidth from "string-width";

// Keys and server messages come from the network. A control character in them must not
// move the cursor or recolour the operator's terminal; an invisible or direction-changing
// one (U+200B, U+202E, U+2028, ...) must not hide text or reverse the rest of the line.
// So: controls, format characters (bidi controls and zero-width ones included), lone
// surrogates, line and paragraph separators, and every space but the ASCII one.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu;

/** `text` with those characters shown as `\u001b`-style escapes (`\u{e0001}` beyond the BMP). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0) as number;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** `2/5`, or `2/-` when no limit is configured. */
function usage(count: number, max: number): string {
  return `${count}/${max > 0 ? max : "-"}`;
}

/** What `-` means, said wherever it is shown. */
const NO_LIMIT = '"-" means no limit is set';

/** For `--help`: how to read `2/5` and `0/-`. */
export const USAGE_LEGEND = `In "2/5" the first number is running (parallelism) or started this period
(rate), the second the limit; ${NO_LIMIT}.`;

export function parallelismText(info: FlowControlInfo): string {
  return `${usage(info.parallelismCount, info.parallelismMax)}${info.isPinnedParallelism ? " pinned" : ""}`;
}

export function rateText(info: FlowControlInfo): string {
  const per = info.ratePeriod > 0 ? ` per ${durationText(info.ratePeriod)}` : "";
  return `${usage(info.rateCount, info.rateMax)}${per}${info.isPinnedRate ? " pinned" : ""}`;
}

export function stateText(info: FlowControlInfo): string {
  return info.isPaused ? "paused" : "active";
}

const graphemes = new Intl.Segmenter();

/** `cell` cut to `width` terminal columns, its last one an ellipsis when anything was cut. */
function clip(cell: string, width: number): string {
  if (stringWidth(cell) <= width) return cell;
  let kept = "";
  let used = 0;
  for (const { segment } of graphemes.segment(cell)) {
    const size = stringWidth(segment);
    if (used + size > width - 1) break;
    kept += segment;
    used += size;
  }
  return `${kept}…`;
}

/** Narrows the widest columns, never below their header, until a row fits in `max` columns. */
function fit(widths: number[], minimums: number[], max: number): void {
  let total = widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1);
  while (total > max) {
    let widest = -1;
    widths.forEach((width, i) => {
      if (width > (minimums[i] as number) && (widest === -1 || width > (widths[widest] as number))) widest = i;
    });
    if (widest === -1) return;
    widths[widest] = (widths[widest] as number) - 1;
    total--;
  }
}

/**
 * Left-aligned columns separated by two spaces; the last column is not padded. With
 * `maxWidth` (a terminal's width), wide cells are clipped so that no row wraps.
 */
export function table(header: string[], rows: string[][], maxWidth?: number): string {
  const all = [header, ...rows].map((row) => row.map(printable));
  const widths = header.map((_, i) => all.reduce((widest, row) => Math.max(widest, stringWidth(row[i] ?? "")), 0));
  if (maxWidth !== undefined)
    fit(
      widths,
      header.map((name) => stringWidth(name)),
      maxWidth,
    );
  return all
    .map((row) =>
      row
        .map((cell, i) => {
          const width = widths[i] as number;
          const shown = clip(cell, width);
          return i === row.length - 1 ? shown : shown + " ".repeat(width - stringWidth(shown));
        })
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** The keys as a table with a legend; `maxWidth` clips wide cells (a terminal's width). */
export function keysTable(keys: FlowControlInfo[], maxWidth?: number): string {
  if (keys.length === 0) return "No flow-control keys.\n";
  const rows = table(
    ["KEY", "STATE", "WAITLIST", "PARALLELISM", "RATE"],
    keys.map((info) => [
      info.flowControlKey,
      stateText(info),
      String(info.waitListSize),
      parallelismText(info),
      rateText(info),
    ]),
    maxWidth,
  );
  return `${rows}\nPARALLELISM is running/max, RATE is started/max per period; ${NO_LIMIT}.\n`;
}

/** Field/value lines for one key, in the order an operator reads them. */
export function keyFields(info: FlowControlInfo): [string, string][] {
  const fields: [string, string][] = [
    ["key", info.flowControlKey],
    ["state", stateText(info)],
    ["waitlist", String(info.waitListSize)],
    ["parallelism", `${parallelismText(info)} (running/max${info.parallelismMax > 0 ? "" : `; ${NO_LIMIT}`})`],
    ["rate", `${rateText(info)} (started/max${info.rateMax > 0 ? "" : `; ${NO_LIMIT}`})`],
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
  const legend = global.parallelismMax > 0 ? "" : `; ${NO_LIMIT}`;
  return `parallelism  ${usage(global.parallelismCount, global.parallelismMax)} (running/max, all keys${legend})\n`;
}

/** Stable, indented JSON with a final newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
