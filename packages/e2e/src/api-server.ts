import { existsSync } from "node:fs";
import { join } from "node:path";
import { startFakeQStash } from "./fake-qstash.ts";
import { cleanEnv } from "./registry.ts";
import { startService } from "./run.ts";

export interface ApiServer {
  /** "dev-server" when the published dev server runs it, else "fake". */
  kind: "dev-server" | "fake";
  url: string;
  token: string;
  close(): Promise<void>;
}

/**
 * The QStash API the smoke tests talk to: the dev server as the consumer installed it
 * from the registry when it is published, else the small fake.
 */
export async function startApiServer(consumerDir: string): Promise<ApiServer> {
  if (existsSync(join(consumerDir, "node_modules", "@qstash-flow", "dev-server"))) {
    const service = await startService<{ url: string; token: string }>("node", ["dev-server.mjs"], {
      cwd: consumerDir,
      env: cleanEnv(),
      timeout: 180_000,
    });
    return { kind: "dev-server", ...service.info, close: service.stop };
  }
  const fake = await startFakeQStash();
  return { kind: "fake", url: fake.url, token: fake.token, close: fake.close };
}
