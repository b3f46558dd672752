// The same consumer written against the official SDK (it has no list operation).
import { Client } from "@upstash/qstash";

const client = new Client({ token: "<token>" });

export async function everyOperation(key: string): Promise<number> {
  const one = await client.flowControl.get(key);
  await client.flowControl.pause(key);
  await client.flowControl.resume(key);
  await client.flowControl.pin(key, { parallelism: 2, rate: 10, period: 60 });
  await client.flowControl.unpin(key, { parallelism: true, rate: true });
  await client.flowControl.resetRate(key);
  const global = await client.flowControl.getGlobalParallelism();
  return (one.waitListSize ?? 0) + global.parallelismCount;
}
