import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlowControl } from "@qstash-flow/flow-control";
import { afterAll, beforeAll, expect } from "vitest";
import { runInProcess } from "./in-process.js";
import { type LocalQStash, startLocalQStash, TOKEN } from "./qstash.js";

export interface PlanJson {
  changes: Record<string, unknown>[];
  unknownKeys?: string[];
  reads: Record<string, number>;
}

/**
 * For a test file of `plan`, `apply` and `export`: the dev server and a directory for
 * desired-state files, both for the whole file, and the CLI in-process pointed at them.
 */
export function stateFixture() {
  let qstash: LocalQStash | undefined;
  let flow: FlowControl | undefined;
  let dir = "";
  let files = 0;
  beforeAll(async () => {
    qstash = await startLocalQStash();
    dir = await mkdtemp(join(tmpdir(), "qstash-flow-state-"));
    flow = new FlowControl({ token: TOKEN, baseUrl: qstash.url });
  });
  afterAll(async () => {
    await qstash?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const env = (url = qstash?.url ?? "") => ({ QSTASH_TOKEN: TOKEN, QSTASH_URL: url });
  const cli = (args: string[], url?: string) => runInProcess(args, env(url));
  return {
    get qstash(): LocalQStash {
      return qstash as LocalQStash;
    },
    get flow(): FlowControl {
      return flow as FlowControl;
    },
    get dir(): string {
      return dir;
    },
    env,
    cli,
    /** Writes `text` to a new desired-state file and returns its path. */
    async file(text: string): Promise<string> {
      const path = join(dir, `desired-${++files}.yaml`);
      await writeFile(path, text);
      return path;
    },
    /** `plan <path> --json`, which must succeed, parsed. */
    async planJson(path: string, url?: string): Promise<PlanJson> {
      const result = await cli(["plan", path, "--json"], url);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    },
  };
}
