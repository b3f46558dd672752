/**
 * Polls `check` until it holds; for state that settles after something asynchronous (a
 * delivery, a poll, a process starting). A `check` that throws ends the wait with its
 * error (the process it waits on has exited). `what` names the wait in the error, as text
 * or computed then (to show the last output). The time limit is a hang guard, not a speed
 * requirement: on a loaded machine things take seconds.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
}
