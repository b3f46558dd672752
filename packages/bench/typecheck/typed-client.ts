// A consumer of the typed client that calls every operation and uses each result.
import { createQStashClient } from "@qstash-flow/fetch";

const client = createQStashClient({ token: "<token>" });

export async function everyOperation(flowControlKey: string): Promise<number> {
  const path = { path: { flowControlKey } };
  const keys = await client.GET("/v2/flowControl");
  const one = await client.GET("/v2/flowControl/{flowControlKey}", { params: path });
  await client.POST("/v2/flowControl/{flowControlKey}/pause", { params: path, timeout: 5_000 });
  await client.POST("/v2/flowControl/{flowControlKey}/resume", { params: path });
  await client.POST("/v2/flowControl/{flowControlKey}/pin", {
    params: { ...path, query: { parallelism: 2, rate: 10, period: 60 } },
  });
  await client.POST("/v2/flowControl/{flowControlKey}/unpin", {
    params: { ...path, query: { parallelism: true, rate: true } },
  });
  await client.POST("/v2/flowControl/{flowControlKey}/resetRate", { params: path, maxRetries: 0 });
  const global = await client.GET("/v2/globalParallelism");
  return (keys.data?.length ?? 0) + (one.data?.waitListSize ?? 0) + (global.data?.parallelismCount ?? 0);
}
