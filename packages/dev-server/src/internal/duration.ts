// The `<value><unit>` durations of the publish headers (`Upstash-Delay`,
// `Upstash-Timeout`).
// Not flow-control's duration grammar (one number, one unit): QStash's headers take compound values such as `1d10h30m`.

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
const COMPOUND = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Milliseconds from `50s`, `2m`, `1h`, `1d10h30m` (units in that order, each once), or the reason it is not one. */
export function parseDuration(name: string, text: string): number | string {
  const trimmed = text.trim();
  const match = COMPOUND.exec(trimmed);
  if (trimmed === "" || !match) {
    return `${name} must be a duration like "50s", "2m", "1h" or "1d10h30m", got ${JSON.stringify(text)}`;
  }
  const [, d, h, m, s] = match;
  const ms =
    Number(d ?? 0) * UNIT_MS.d + Number(h ?? 0) * UNIT_MS.h + Number(m ?? 0) * UNIT_MS.m + Number(s ?? 0) * UNIT_MS.s;
  if (!Number.isSafeInteger(ms)) return `${name} is too long, got ${JSON.stringify(text)}`;
  return ms;
}
