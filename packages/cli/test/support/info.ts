import type { FlowControlInfo } from "@qstash-flow/flow-control";

/** A key's info as `get` returns it: no limit, nothing waiting, unless `fields` say otherwise. */
export function info(flowControlKey = "k", fields: Partial<FlowControlInfo> = {}): FlowControlInfo {
  return {
    flowControlKey,
    waitListSize: 0,
    parallelismMax: 0,
    parallelismCount: 0,
    rateMax: 0,
    rateCount: 0,
    ratePeriod: 0,
    ratePeriodStart: 0,
    isPinnedParallelism: false,
    isPinnedRate: false,
    isPaused: false,
    ...fields,
  };
}
