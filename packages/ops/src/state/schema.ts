import { DURATION_UNITS, MAX_PERIOD_SECONDS, PERIOD_UNITS } from "@qstash-flow/flow-control";
import { type ENTRY_FIELDS, type TOP_FIELDS, UNPINNED } from "./desired.js";

/** Where editors find the schema of the file: the copy published in this package. */
export const SCHEMA_URL = "https://unpkg.com/@qstash-flow/ops/desired-state.schema.json";

const limit = (what: string) => ({
  description: `${what}: a positive whole number pins it; "${UNPINNED}" lets it follow the messages.`,
  oneOf: [{ type: "integer", minimum: 1 }, { const: UNPINNED }],
});

/** A regular expression of the whole numbers from 1 to `max`, without leading zeros. */
function upTo(max: number): string {
  const digits = String(max);
  // Every number with fewer digits, then those with as many that stay below `max`, then `max`.
  const parts = digits.length > 1 ? [`[1-9]\\d{0,${digits.length - 2}}`] : [];
  for (let i = 0; i < digits.length; i++) {
    const low = i === 0 ? 1 : 0;
    const high = Number(digits[i]) - 1;
    const rest = digits.length - 1 - i;
    if (high >= low) parts.push(`${digits.slice(0, i)}[${low}-${high}]${rest > 0 ? `\\d{${rest}}` : ""}`);
  }
  parts.push(digits);
  return `(?:${parts.join("|")})`;
}

/**
 * A period as a string, as the parser takes it: the duration grammar's units for a period,
 * each from 1 up to one week, surrounded by the blanks the parser trims.
 */
const PERIOD_PATTERN = `^\\s*0*(?:${PERIOD_UNITS.map(
  (unit) => `${upTo(Math.floor((MAX_PERIOD_SECONDS * DURATION_UNITS.s) / DURATION_UNITS[unit]))}${unit}`,
).join("|")})\\s*$`;

const entry = {
  type: "object",
  description: "What this key should be. A field left out is left as it is.",
  additionalProperties: false,
  minProperties: 1,
  properties: {
    paused: { type: "boolean", description: "true: messages wait until resumed; false: delivered." },
    parallelism: limit("Messages delivered at once"),
    rate: limit("Messages started per period"),
    period: {
      description: `The rate period, with a pinned rate only: seconds, or a duration such as "30s", "5m", "1h", "1d"; at most one week (${MAX_PERIOD_SECONDS} s).`,
      oneOf: [
        { type: "integer", minimum: 1, maximum: MAX_PERIOD_SECONDS },
        { type: "string", pattern: PERIOD_PATTERN },
      ],
    },
  },
  // period only with a pinned rate.
  dependentRequired: { period: ["rate"] },
  not: { required: ["period", "rate"], properties: { rate: { const: UNPINNED } } },
} as const;

/**
 * The JSON Schema of the desired-state file, built from the parser's own constants. The
 * published `desired-state.schema.json` is this, written by `pnpm --filter @qstash-flow/ops
 * schema`; a test fails when the two differ, and another runs the parser's cases through it.
 */
export const desiredStateSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: SCHEMA_URL,
  title: "qstash-flow desired state",
  description:
    "What each QStash flow-control key should be, for `qstash-flow plan` and `apply`. Keys the file does not name are never touched.",
  type: "object",
  additionalProperties: false,
  required: ["keys"],
  properties: {
    $schema: { type: "string" },
    keys: {
      type: "object",
      description:
        'Key names to entries. A name ending in "*" matches every live key with that prefix; an exact name wins over a pattern, a longer pattern over a shorter one.',
      propertyNames: { minLength: 1, not: { enum: [".", ".."] } },
      additionalProperties: entry,
    },
  },
} as const;

// Compile-time checks that the schema lists exactly the parser's fields.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const entryFields: Same<keyof typeof entry.properties, (typeof ENTRY_FIELDS)[number]> = true;
const topFields: Same<keyof typeof desiredStateSchema.properties, (typeof TOP_FIELDS)[number]> = true;
void entryFields;
void topFields;
