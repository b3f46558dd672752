import {
  AbortError,
  type CallOptions,
  checkConcurrency,
  type FlowControl,
  forEachBounded,
} from "@qstash-flow/flow-control";
import type { Change, Plan } from "./plan.js";

export interface ApplyOptions extends CallOptions {
  /** How many keys are worked on at once (default 8). A key's own changes run one after another. */
  concurrency?: number;
  /** Called as each change is done, has failed or was interrupted, for progress; skipped ones are only in the result. */
  onResult?: (result: ChangeResult) => void;
}

/**
 * What became of one change: `done`; `failed` with the error; `interrupted`, sent but
 * cut off by the signal before the answer came, so it may have been applied (only a new
 * plan can tell); or `skipped`, never sent, because an earlier change of the same key did
 * not succeed (its later ones would run on limits nobody asked for) or because the signal
 * was aborted before it started.
 */
export type ChangeResult =
  | { change: Change; status: "done" }
  | { change: Change; status: "failed"; error: unknown }
  | { change: Change; status: "interrupted"; error: unknown }
  | { change: Change; status: "skipped" };

function send(flow: FlowControl, change: Change, call: CallOptions): Promise<void> {
  switch (change.action) {
    case "pause":
      return flow.pause(change.key, call);
    case "resume":
      return flow.resume(change.key, call);
    case "pin": {
      const { parallelism, rate, period } = change;
      return flow.pin(
        change.key,
        {
          ...(parallelism !== undefined && { parallelism }),
          ...(rate !== undefined && { rate }),
          ...(period !== undefined && { period }),
        },
        call,
      );
    }
    case "unpin":
      return flow.unpin(change.key, { parallelism: change.parallelism, rate: change.rate }, call);
  }
}

/**
 * Carries out a plan: at most `concurrency` keys at once, going on past a failed key.
 * Resolves with one result per change, in the plan's order; it never rejects for a failed
 * call, so the caller sees what was done and what was not.
 */
export async function applyPlan(flow: FlowControl, plan: Plan, options: ApplyOptions = {}): Promise<ChangeResult[]> {
  const { concurrency, onResult, ...call } = options;
  const limit = checkConcurrency(concurrency);
  const results: ChangeResult[] = plan.changes.map((change) => ({ change, status: "skipped" }));
  const byKey = new Map<string, number[]>();
  plan.changes.forEach((change, index) => {
    byKey.set(change.key, [...(byKey.get(change.key) ?? []), index]);
  });
  await forEachBounded(
    [...byKey.values()],
    limit,
    async (indexes) => {
      for (const index of indexes) {
        const change = plan.changes[index] as Change;
        let result: ChangeResult;
        try {
          await send(flow, change, call);
          result = { change, status: "done" };
        } catch (error) {
          // The request may have reached the server before the abort: that is not a failure.
          const cut = error instanceof AbortError && call.signal?.aborted === true;
          result = { change, status: cut ? "interrupted" : "failed", error };
        }
        results[index] = result;
        onResult?.(result);
        if (result.status !== "done") return;
      }
    },
    call.signal,
  );
  return results;
}
