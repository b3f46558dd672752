import { describe, expectTypeOf, test } from "vitest";
import type { FlowControl, FlowControlInfo, GlobalParallelism, NotFoundError, QStashError } from "./index.ts";

declare const flow: FlowControl;

describe("FlowControl's types", () => {
  test("results are named types with every field required", () => {
    expectTypeOf(flow.get("k")).resolves.toEqualTypeOf<FlowControlInfo>();
    expectTypeOf(flow.list()).resolves.toEqualTypeOf<FlowControlInfo[]>();
    expectTypeOf(flow.getGlobalParallelism()).resolves.toEqualTypeOf<GlobalParallelism>();
    expectTypeOf<FlowControlInfo>().toEqualTypeOf<{
      flowControlKey: string;
      waitListSize: number;
      parallelismMax: number;
      parallelismCount: number;
      rateMax: number;
      rateCount: number;
      ratePeriod: number;
      ratePeriodStart: number;
      isPinnedParallelism: boolean;
      isPinnedRate: boolean;
      isPaused: boolean;
    }>();
    expectTypeOf(flow.pause("k")).resolves.toBeVoid();
  });

  test("options are checked at compile time", () => {
    // @ts-expect-error pin values are numbers
    void flow.pin("k", { parallelism: "5" });
    // @ts-expect-error unpin flags are booleans
    void flow.unpin("k", { rate: 1 });
    // @ts-expect-error keys are strings
    void flow.pause(1);
    // @ts-expect-error signal must be an AbortSignal
    void flow.resume("k", { signal: "now" });
    void flow.pin("k", { period: "30s" }, { maxRetries: 0, timeout: 1000 });
  });

  test("errors form one hierarchy", () => {
    expectTypeOf<NotFoundError>().toMatchTypeOf<QStashError>();
    expectTypeOf<NotFoundError["status"]>().toEqualTypeOf<number>();
  });
});
