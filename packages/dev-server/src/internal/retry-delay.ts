// `Upstash-Retry-Delay`: an arithmetic expression in `retried` giving the delay in ms.
// QStash documents the grammar (numbers, `retried`, + - * /, parentheses and the
// functions below); a general expression library would accept far more than QStash
// does, and a message the dev server takes that QStash refuses is a test that lies.

const FUNCTIONS: Record<string, { arity: number; call: (...args: number[]) => number }> = {
  pow: { arity: 2, call: (x, y) => x ** y },
  exp: { arity: 1, call: Math.exp },
  sqrt: { arity: 1, call: Math.sqrt },
  abs: { arity: 1, call: Math.abs },
  floor: { arity: 1, call: Math.floor },
  ceil: { arity: 1, call: Math.ceil },
  round: { arity: 1, call: Math.round },
  min: { arity: 2, call: Math.min },
  max: { arity: 2, call: Math.max },
};

/** A compiled expression: the delay in ms before the retry after `retried` earlier retries. */
export type RetryDelay = (retried: number) => number;

type Node = (retried: number) => number;

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|(.))/y;

/** The expression compiled, or the reason it is refused (unknown name, wrong arity, bad syntax). */
export function compileRetryDelay(text: string): RetryDelay | string {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    const token = match[1] ?? match[2] ?? match[3];
    if (token !== undefined) tokens.push(token);
  }
  let at = 0;
  const fail = (why: string) => {
    throw new SyntaxError(`Upstash-Retry-Delay: ${why} in ${JSON.stringify(text)}`);
  };
  const take = (expected: string) => {
    if (tokens[at] !== expected) fail(`expected "${expected}"${tokens[at] ? `, got "${tokens[at]}"` : " at the end"}`);
    at++;
  };
  const primary = (): Node => {
    const token = tokens[at++];
    if (token === undefined) return fail("unexpected end");
    if (token === "(") {
      const inner = sum();
      take(")");
      return inner;
    }
    if (token === "-") {
      const inner = primary();
      return (r) => -inner(r);
    }
    if (/^\d/.test(token)) {
      const value = Number(token);
      return () => value;
    }
    if (token === "retried") return (r) => r;
    const fn = Object.hasOwn(FUNCTIONS, token) ? FUNCTIONS[token] : undefined;
    if (!fn) {
      return fail(`unknown name "${token}" (use retried, ${Object.keys(FUNCTIONS).join(", ")})`);
    }
    take("(");
    const args: Node[] = [sum()];
    while (tokens[at] === ",") {
      at++;
      args.push(sum());
    }
    take(")");
    if (args.length !== fn.arity) fail(`${token} takes ${fn.arity} argument${fn.arity === 1 ? "" : "s"}`);
    return (r) => fn.call(...args.map((arg) => arg(r)));
  };
  const product = (): Node => {
    let left = primary();
    while (tokens[at] === "*" || tokens[at] === "/") {
      const op = tokens[at++];
      const l = left;
      const right = primary();
      left = op === "*" ? (r) => l(r) * right(r) : (r) => l(r) / right(r);
    }
    return left;
  };
  const sum = (): Node => {
    let left = product();
    while (tokens[at] === "+" || tokens[at] === "-") {
      const op = tokens[at++];
      const l = left;
      const right = product();
      left = op === "+" ? (r) => l(r) + right(r) : (r) => l(r) - right(r);
    }
    return left;
  };
  try {
    const root = sum();
    if (at !== tokens.length) fail(`unexpected "${tokens[at]}"`);
    return root;
  } catch (error) {
    if (error instanceof SyntaxError) return error.message;
    throw error;
  }
}
