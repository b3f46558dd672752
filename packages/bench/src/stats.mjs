/** The middle value (mean of the two middle ones for an even count). */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** 12345.6 -> "12,346". */
export const whole = (value) => Math.round(value).toLocaleString("en-US");

/** Milliseconds with one decimal. */
export const ms = (value) => `${value.toFixed(1)} ms`;

/** A ratio as a percentage, e.g. 0.93 -> "93 %". */
export const percent = (ratio) => `${Math.round(ratio * 100)} %`;
