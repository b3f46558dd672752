import { FlowControl, NotFoundError } from "@qstash-flow/flow-control";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeQStash } from "./fake-qstash.ts";

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

async function fake() {
  const server = await startFakeQStash();
  close = server.close;
  return { server, flow: new FlowControl({ token: server.token, baseUrl: server.url, maxRetries: 0 }) };
}

describe("the fake QStash API", () => {
  it("pause creates the key, get and resume see it, whatever its characters", async () => {
    const { flow } = await fake();
    const key = "a b/ü?#%";
    await flow.pause(key);
    expect(await flow.get(key)).toMatchObject({ flowControlKey: key, isPaused: true });
    await flow.resume(key);
    expect((await flow.list()).map((info) => [info.flowControlKey, info.isPaused])).toEqual([[key, false]]);
  });

  it("answers 404 for an unknown key and 401 for a wrong token", async () => {
    const { server, flow } = await fake();
    await expect(flow.get("never")).rejects.toBeInstanceOf(NotFoundError);
    const wrong = new FlowControl({ token: "wrong", baseUrl: server.url, maxRetries: 0 });
    await expect(wrong.get("never")).rejects.toMatchObject({ status: 401 });
  });
});
