import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { BIN } from "./support/cli.js";

it("a reader that closes the pipe early ends the output quietly instead of crashing on EPIPE", async () => {
  const child = spawn(process.execPath, [BIN, "--help"], { stdio: ["ignore", "pipe", "pipe"] });
  // Close our end before the CLI writes: every write it makes now fails with EPIPE.
  child.stdout.destroy();
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(stderr).not.toMatch(/EPIPE|Unhandled/);
  expect(code).toBe(0);
});
