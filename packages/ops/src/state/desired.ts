import { keyProblem, periodSeconds, ValidationError } from "@qstash-flow/flow-control";

/** A limit in the desired state: pinned to a positive integer, or `"unpinned"` (follows the messages). */
export type Limit = number | "unpinned";

/** What one entry of the file manages. A field that is left out is left as it is. */
export interface DesiredKey {
  paused?: boolean;
  parallelism?: Limit;
  rate?: Limit;
  /** With a pinned rate only: seconds, or a duration such as `"30s"`, `"5m"`, `"1h"`, `"1d"`. */
  period?: number | string;
}

/** The desired-state file: key names (or `prefix*` patterns) to what they should be. */
export interface DesiredState {
  keys: Record<string, DesiredKey>;
}

/** A validated entry: the period in seconds. */
export interface CheckedKey {
  paused?: boolean;
  parallelism?: Limit;
  rate?: Limit;
  period?: number;
}

/** A validated desired state, as `parseDesiredState` returns it and `planDesiredState` uses it. */
export interface CheckedState {
  keys: Record<string, CheckedKey>;
}

export const UNPINNED = "unpinned";
/** The fields of an entry, in the order they are written. */
export const ENTRY_FIELDS = ["paused", "parallelism", "rate", "period"] as const;
/** A top-level `$schema` is allowed, so JSON editors find the schema. */
export const TOP_FIELDS = ["$schema", "keys"] as const;

/** Where in the document a problem is: a path of names; `key: true` points at a name, not its value. */
export interface ProblemPath {
  path: string[];
  key?: boolean;
}

/** One thing wrong with the file, with its place when the text is known (1-based). */
export interface DesiredStateProblem {
  message: string;
  path: string[];
  line?: number;
  column?: number;
}

/** The file cannot be used; nothing was sent. `problems` lists every mistake found, with lines. */
export class DesiredStateError extends ValidationError {
  override name = "DesiredStateError";
  override readonly code: string = "desired_state_error";
  readonly problems: DesiredStateProblem[];

  constructor(problems: DesiredStateProblem[], source?: string) {
    super(problems.map((problem) => problemText(problem, source)).join("\n"));
    this.problems = problems;
  }
}

/** `file:3:5: message`, `line 3: message` or `keys."a": message`. */
function problemText(problem: DesiredStateProblem, source?: string): string {
  const at =
    problem.line !== undefined
      ? `${source ? `${source}:` : "line "}${problem.line}${problem.column !== undefined ? `:${problem.column}` : ""}`
      : problem.path.length > 0
        ? problem.path.map((part) => JSON.stringify(part)).join(".")
        : source;
  return at ? `${at}: ${problem.message}` : problem.message;
}

/** Is `name` a `prefix*` pattern, and its prefix. */
export function patternPrefix(name: string): string | undefined {
  return name.endsWith("*") ? name.slice(0, -1) : undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "a list" : (JSON.stringify(value) ?? String(value));
}

function isLimit(value: unknown): value is Limit {
  return value === UNPINNED || (Number.isSafeInteger(value) && (value as number) > 0);
}

function nameProblem(name: string): string | undefined {
  const prefix = patternPrefix(name);
  // A pattern's prefix may be empty ("*": every key) or dots: the keys it matches go on.
  const problem = prefix === undefined ? keyProblem(name) : prefix === "" ? undefined : keyProblem(`${prefix}x`);
  return problem && `bad key name ${JSON.stringify(name)}: ${problem}`;
}

function checkEntry(name: string, raw: unknown, report: (at: ProblemPath, message: string) => void): CheckedKey {
  const here = ["keys", name];
  if (!isRecord(raw)) {
    report({ path: here }, `the entry for ${JSON.stringify(name)} must be a mapping of ${ENTRY_FIELDS.join(", ")}`);
    return {};
  }
  const entry: CheckedKey = {};
  for (const [field, value] of Object.entries(raw)) {
    const at = { path: [...here, field] };
    if (!(ENTRY_FIELDS as readonly string[]).includes(field)) {
      report({ ...at, key: true }, `unknown field ${JSON.stringify(field)}: expected ${ENTRY_FIELDS.join(", ")}`);
    } else if (field === "paused") {
      if (typeof value === "boolean") entry.paused = value;
      else report(at, `paused must be true or false, got ${describe(value)}`);
    } else if (field === "period") {
      try {
        entry.period = periodSeconds(value);
      } catch (error) {
        report(at, (error as Error).message);
      }
    } else if (isLimit(value)) entry[field as "parallelism" | "rate"] = value;
    else report(at, `${field} must be a positive whole number (pinned to it) or "${UNPINNED}", got ${describe(value)}`);
  }
  if ("period" in raw && (raw.rate === undefined || raw.rate === UNPINNED)) {
    report(
      { path: [...here, "period"], key: true },
      raw.rate === UNPINNED ? "period goes with a pinned rate, not an unpinned one" : "period needs a pinned rate",
    );
  }
  if (Object.keys(raw).length === 0)
    report({ path: here, key: true }, `the entry for ${JSON.stringify(name)} manages nothing`);
  return entry;
}

/**
 * Validates a desired state given as a plain value (parsed from a file or built in code).
 * Reports every problem, each with its path; returns the state with periods in seconds.
 */
export function checkDesiredState(value: unknown): {
  state: CheckedState;
  problems: (ProblemPath & { message: string })[];
} {
  const problems: (ProblemPath & { message: string })[] = [];
  const report = (at: ProblemPath, message: string) => problems.push({ ...at, message });
  const entries: [string, CheckedKey][] = [];
  if (!isRecord(value)) report({ path: [] }, 'the file must be a mapping with a "keys" mapping');
  else {
    for (const field of Object.keys(value)) {
      if (!(TOP_FIELDS as readonly string[]).includes(field)) {
        report({ path: [field], key: true }, `unknown field ${JSON.stringify(field)}: expected "keys"`);
      }
    }
    if (value.$schema !== undefined && typeof value.$schema !== "string")
      report({ path: ["$schema"] }, "$schema must be a string");
    if (!isRecord(value.keys)) {
      report(
        value.keys === undefined ? { path: [] } : { path: ["keys"] },
        '"keys" must be a mapping of key names to entries',
      );
    } else {
      for (const [name, raw] of Object.entries(value.keys)) {
        const problem = nameProblem(name);
        if (problem) report({ path: ["keys", name], key: true }, problem);
        entries.push([name, checkEntry(name, raw, report)]);
      }
    }
  }
  // fromEntries defines own properties, so a key named "__proto__" stays a key.
  return { state: { keys: Object.fromEntries(entries) }, problems };
}

/** `value` validated, or a `DesiredStateError` listing every problem by path. */
export function checkedState(value: unknown): CheckedState {
  const { state, problems } = checkDesiredState(value);
  if (problems.length > 0) throw new DesiredStateError(problems.map(({ path, message }) => ({ path, message })));
  return state;
}
