// How a trend reads on a terminal: a sparkline, a rate, a time to drain.

const BARS = "▁▂▃▄▅▆▇█";

/**
 * One bar per value, scaled from 0 to the largest, so that a steady high waitlist reads
 * as high, not as flat-low. (sparkly pulls in chalk, sparkline is unmaintained: the
 * scaling is the whole job, and it is ours to choose.)
 */
export function sparkline(values: readonly number[]): string {
  const top = Math.max(0, ...values);
  return values
    .map((value) => BARS[top === 0 ? 0 : Math.round((Math.max(0, value) / top) * (BARS.length - 1))])
    .join("");
}

/** `3.2/s`, `120/s`, `-` before there is a rate. */
export function perSecondText(perSecond: number | undefined): string {
  if (perSecond === undefined) return "-";
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

/** An estimate in one rounded unit (`~40s`, `~12m`, `~3h`, `~2d`); `-` when it does not drain. */
export function drainText(seconds: number | undefined): string {
  if (seconds === undefined) return "-";
  if (seconds === 0) return "0s";
  for (const [unit, size, below] of [
    ["s", 1, 90],
    ["m", 60, 90 * 60],
    ["h", 3600, 36 * 3600],
  ] as const) {
    if (seconds < below) return `~${Math.max(1, Math.round(seconds / size))}${unit}`;
  }
  return `~${Math.round(seconds / 86_400)}d`;
}
