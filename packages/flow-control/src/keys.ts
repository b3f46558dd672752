import type { FlowControlInfo } from "./info.js";

/** Two key names in code-unit order, as `sort()` without a comparator: the same on every locale. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Infos in key order. */
export const byKey = (a: FlowControlInfo, b: FlowControlInfo): number =>
  compareKeys(a.flowControlKey, b.flowControlKey);
