/** The middle value (mean of the two middle ones for an even count). */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Round-by-round ratios of two contestants measured in the same rounds (runs). */
export const paired = (a, b) => a.map((value, i) => value / b[i]);

/** 12345.6 -> "12,346". */
export const whole = (value) => Math.round(value).toLocaleString("en-US");

/** Milliseconds with one decimal. */
export const ms = (value) => `${value.toFixed(1)} ms`;

/** A ratio as a percentage, e.g. 0.93 -> "93 %". */
export const percent = (ratio) => `${Math.round(ratio * 100)} %`;

/**
 * The median of per-round values with its interval of at least 95 % when there are enough
 * rounds, by default ratios as a percentage: "93 % (88-99)"; `format` and `unit` for others.
 */
export function withInterval(values, format = (ratio) => String(Math.round(ratio * 100)), unit = " %") {
  const interval = medianInterval(values);
  const middle = `${format(median(values))}${unit}`;
  return interval ? `${middle} (${format(interval.low)}-${format(interval.high)})` : middle;
}

/**
 * A distribution-free confidence interval for the median of `values`: the k-th smallest
 * and k-th largest value, with k the largest order for which the chance that fewer than k
 * samples fall below the true median is at most (1 - confidence) / 2 (binomial, p = 1/2).
 * It assumes only that the samples are independent draws. `undefined` when there are too
 * few samples to reach the confidence (fewer than 6 for 95 %).
 * @returns {{ low: number, high: number, confidence: number } | undefined}
 */
export function medianInterval(values, confidence = 0.95) {
  const n = values.length;
  const tail = (1 - confidence) / 2;
  // Walk the binomial distribution's lower tail: P(X = i) for i = 0, 1, ...
  let probability = 0.5 ** n;
  let cumulative = 0;
  let k = 0;
  while (k < n && cumulative + probability <= tail) {
    cumulative += probability;
    probability = (probability * (n - k)) / (k + 1);
    k++;
  }
  if (k === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { low: sorted[k - 1], high: sorted[n - k], confidence: 1 - 2 * cumulative };
}

/**
 * Where an interval stands against a line: `true` when all of it is on the good side,
 * `false` when all of it is on the bad side, `null` when it straddles the line (the run
 * cannot tell). `higherIsBetter` says which side is good; the line itself counts as good.
 * @param {{ low: number, high: number } | undefined} interval
 * @returns {boolean | null}
 */
export function verdict(interval, line, higherIsBetter = true) {
  if (!interval) return null;
  const { low, high } = interval;
  if (higherIsBetter ? low >= line : high <= line) return true;
  if (higherIsBetter ? high < line : low > line) return false;
  return null;
}
