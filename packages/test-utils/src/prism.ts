import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./port.ts";
import { waitUntil } from "./wait.ts";

/** The merged spec `pnpm generate` writes: every operation the client can call. */
/** Prism starts in seconds; under load it can take far longer. Only a hang reaches this. */
const PRISM_START_GUARD_MS = 180_000;

export const COMBINED_SPEC = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../types/src/generated/combined.openapi.json",
);

export interface MockServer {
  url: string;
  output: () => string;
  close(): Promise<void>;
}

/**
 * Starts Prism's spec-driven mock server on 127.0.0.1 with `--errors`, so a request the
 * spec does not allow is answered with a 4xx and an `sl-violations` header.
 */
export async function startPrism(spec = COMBINED_SPEC): Promise<MockServer> {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve("@stoplight/prism-cli/package.json")), "dist/index.js");
  const port = await freePort();
  let log = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, "mock", spec, "--host", "127.0.0.1", "--port", String(port), "--errors"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`prism exited early:\n${log}`);
        return /Prism is listening/.test(log);
      },
      () => `prism to start:\n${log}`,
      PRISM_START_GUARD_MS,
    );
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    url,
    output: () => log,
    close: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill();
      }),
  };
}
