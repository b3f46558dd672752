import { isMap, isScalar, LineCounter, type Node, type Pair, parseDocument } from "yaml";
import { aliasProblem } from "./aliases.js";
import {
  type CheckedState,
  checkDesiredState,
  DesiredStateError,
  type DesiredStateProblem,
  type ProblemPath,
} from "./desired.js";

export interface ParseOptions {
  /** The file's name, to start each problem's message with it (`desired.yaml:3:5: ...`). */
  source?: string;
}

/** The pair named `name` in a mapping node. Keys are compared as the parsed value sees them. */
function pairOf(node: unknown, name: string): Pair | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key) === name);
}

/** The offset in the text of the node at `at`, or of the deepest node on its way. */
function offsetOf(contents: Node | null, at: ProblemPath): number | undefined {
  let node: unknown = contents;
  let offset = contents?.range?.[0];
  at.path.forEach((name, i) => {
    const pair = pairOf(node, name);
    if (!pair) return;
    const target = at.key === true && i === at.path.length - 1 ? pair.key : (pair.value ?? pair.key);
    node = pair.value;
    const range = (target as Node | null)?.range;
    if (range) offset = range[0];
  });
  return offset;
}

/**
 * Parses a desired-state file (YAML; JSON is YAML too) and validates it. Every problem,
 * from a YAML syntax error to `period` without `rate`, is reported with its line and
 * column in one `DesiredStateError`; nothing is sent anywhere.
 */
export function parseDesiredState(text: string, options: ParseOptions = {}): CheckedState {
  const lineCounter = new LineCounter();
  // A key is the text the user wrote: with stringKeys, `010:` is "010", not 10 (which would
  // then be the key "10"), and `010:` beside `"10":` are two keys.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, stringKeys: true });
  // Every problem gets a place; one that belongs to the whole file (an empty file), its start.
  const place = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line, column: col };
  };
  if (document.errors.length > 0) {
    const problems: DesiredStateProblem[] = document.errors.map((error) => ({
      // yaml's message repeats the place after a colon; the place is ours to print.
      message: error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? error.message,
      path: [],
      ...place(error.pos[0]),
    }));
    throw new DesiredStateError(problems, options.source);
  }
  const aliases = aliasProblem(document);
  if (aliases)
    throw new DesiredStateError([{ message: aliases.message, path: [], ...place(aliases.offset) }], options.source);
  let value: unknown;
  try {
    // The aliases were measured above, by what they expand to, not by how often one is used.
    value = document.toJS({ maxAliasCount: -1 });
  } catch (error) {
    // Not expected after the checks above; still a bad file, never a stack trace.
    throw new DesiredStateError([{ message: (error as Error).message, path: [], ...place(0) }], options.source);
  }
  const { state, problems } = checkDesiredState(value);
  if (problems.length > 0) {
    throw new DesiredStateError(
      problems.map((problem) => ({
        message: problem.message,
        path: problem.path,
        ...place(offsetOf(document.contents as Node | null, problem)),
      })),
      options.source,
    );
  }
  return state;
}
