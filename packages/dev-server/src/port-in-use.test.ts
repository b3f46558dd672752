import { once } from "node:events";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { isPortInUse, portInUseText } from "./defaults.ts";

describe("port in use", () => {
  it("recognises a real listen on a taken port, and says how to pick another", async () => {
    const first = createServer().listen(0, "127.0.0.1");
    await once(first, "listening");
    const port = (first.address() as { port: number }).port;
    const second = createServer().listen(port, "127.0.0.1");
    const [error] = await once(second, "error");
    first.close();
    expect(isPortInUse(error)).toBe(true);
    expect(isPortInUse(new Error("other"))).toBe(false);
    expect(isPortInUse(undefined)).toBe(false);
    expect(portInUseText(`port ${port}`, "--port")).toBe(
      `port ${port} is in use; pick another port with --port, or port 0 for any free one`,
    );
  });
});
