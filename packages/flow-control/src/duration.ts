// The one duration grammar of the workspace: a whole number and a unit, nothing else
// (`"30s"`, `"500ms"`, `"5m"`). Each use names the units it takes: a rate period is
// whole seconds, so it has no `ms`; a timeout never runs for days, so it has no `d`.

/** Milliseconds per unit, shortest first. */
export const DURATION_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

const GRAMMAR = /^(\d+)(ms|s|m|h|d)$/;

/** `text` as milliseconds when it is a whole number with one of `units`; `undefined` otherwise. */
export function durationMs(text: string, units: readonly DurationUnit[]): number | undefined {
  const match = GRAMMAR.exec(text);
  if (!match || !units.includes(match[2] as DurationUnit)) return undefined;
  return Number(match[1]) * DURATION_UNITS[match[2] as DurationUnit];
}

/** The forms a duration with `units` is written in, for messages: `"500ms", "10s", "2m"`. */
export function durationExamples(units: readonly DurationUnit[]): string {
  const example: Record<DurationUnit, string> = { ms: "500ms", s: "10s", m: "2m", h: "1h", d: "1d" };
  return units.map((unit) => JSON.stringify(example[unit])).join(", ");
}

/** Seconds in the largest unit that divides them: `30s`, `5m`, `1h`, `1d`, `90s`. */
export function durationText(seconds: number): string {
  for (const unit of ["d", "h", "m"] as const) {
    const size = DURATION_UNITS[unit] / 1000;
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** Milliseconds as a duration is written: `30s` for 30 000, `1500ms` for 1 500. */
export const millisecondsText = (ms: number): string =>
  ms % DURATION_UNITS.s === 0 ? durationText(ms / DURATION_UNITS.s) : `${ms}ms`;
