import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const DEMO = fileURLToPath(new URL("../scripts/demo.mjs", import.meta.url));

// `pnpm demo` is the project's front door: CI proves it still runs and says what it checks.
// A child process on purpose: the demo is a script users run. The limit is a hang guard only.
it("pnpm demo walks every step against the dev server and exits 0 by itself", { timeout: 600_000 }, async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(process.execPath, [DEMO], { env: { PATH: process.env.PATH ?? "" } }, (error, out, err) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout: out, stderr: err }),
      );
    },
  );
  expect(code, stderr).toBe(0);
  expect(stderr).toBe("");
  const commands = "list get pause resume pin reset-rate unpin global export plan apply".split(" ");
  for (const command of commands) {
    expect(stdout).toContain(`$ qstash-flow ${command}`);
  }
  expect(stdout).toMatch(/waitlist +5\n/);
  expect(stdout).toContain("sink received nothing");
  expect(stdout).toContain("Done: 14 messages published, 14 delivered");
});
