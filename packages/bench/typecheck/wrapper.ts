// A consumer of the FlowControl wrapper that calls every operation and uses each result.
import { FlowControl, NotFoundError } from "@qstash-flow/flow-control";

const flowControl = new FlowControl({ token: "<token>" });

export async function everyOperation(key: string): Promise<number> {
  const keys = await flowControl.list();
  const one = await flowControl.get(key).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  await flowControl.pause(key, { timeout: 5_000 });
  await flowControl.resume(key);
  await flowControl.pin(key, { parallelism: 2, rate: 10, period: "1m" });
  await flowControl.unpin(key, { parallelism: true, rate: true });
  await flowControl.resetRate(key, { maxRetries: 0 });
  const global = await flowControl.getGlobalParallelism();
  return keys.length + (one?.waitListSize ?? 0) + global.parallelismCount;
}
