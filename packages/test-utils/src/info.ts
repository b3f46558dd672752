/** The fields of a flow-control key's info (`FlowControlInfo`), which every package's tests build. */
export interface KeyInfo {
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
}

/** A key's info as `get` returns it: no limit, nothing waiting, unless `fields` say otherwise. */
export function keyInfo(flowControlKey = "k", fields: Partial<KeyInfo> = {}): KeyInfo {
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
