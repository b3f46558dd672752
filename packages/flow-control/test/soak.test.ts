// Runs soak.mjs in a child process and checks its summary. The child must exit on its
// own: a leaked timer, socket or listener would keep it alive past the deadline.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

// Generous on purpose: how fast the run is is not the point, only that it ends.
const DEADLINE_MS = 280_000;
const TYPED_OUTCOMES = [
  "ok",
  "InternalServerError",
  "RateLimitError",
  "NotFoundError",
  "ConnectionError",
  "TimeoutError",
];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  killed: boolean;
  stdout: string;
  stderr: string;
}

function runSoak(): Promise<Run> {
  const script = fileURLToPath(new URL("./soak.mjs", import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  let killed = false;
  const deadline = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, DEADLINE_MS);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(deadline);
      resolve({ code, signal, killed, stdout, stderr });
    });
  });
}

test(
  "2000 calls against a faulty server all settle with typed outcomes, within the retry budget, and the process exits on its own",
  async () => {
    const run = await runSoak();
    expect(run.killed, `the soak did not exit by itself; output so far:\n${run.stdout}${run.stderr}`).toBe(false);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const summary = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}");
    expect(summary.settled).toBe(summary.calls);
    expect(summary.calls).toBe(2000);
    for (const outcome of Object.keys(summary.outcomes)) expect(TYPED_OUTCOMES).toContain(outcome);
    expect(summary.outcomes.ok).toBeGreaterThan(0);
    // Every fault really happened, so every path was taken.
    for (const [fault, count] of Object.entries(summary.faults)) expect(count, fault).toBeGreaterThan(0);
    // The server never saw more attempts for one call than 1 + maxRetries, besides the
    // requests sent again after a kept-alive connection was dropped (at most one each).
    expect(summary.maxAttemptsPerCallLessDrops).toBeLessThanOrEqual(1 + summary.maxRetries);
    expect(summary.maxAttemptsPerCall).toBeLessThanOrEqual(2 * (1 + summary.maxRetries));
    expect(Object.keys(summary.attemptHistogram).map(Number)).toContain(1 + summary.maxRetries);
    // Every request reached the route of a key that was sent, decoded intact.
    expect(summary.unknownKeys).toBe(0);
    expect(summary.unhandled).toBe(0);
  },
  DEADLINE_MS + 10_000,
);
