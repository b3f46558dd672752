// Releases the workspace to a local registry once and installs it into a consumer
// project; the test files then use that consumer. Set E2E_KEEP=1 to keep the temp dir.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { workspaceRoot } from "../scripts/packages.mjs";
import { type ApiServer, startApiServer } from "../src/api-server.ts";
import { createConsumer } from "../src/consumer.ts";
import { type LocalRegistry, startRegistry } from "../src/registry.ts";
import { versionAndPublish } from "../src/release.ts";
import { copyWorkspace } from "../src/workspace-copy.ts";
import "./context.ts";

// What the consumer installs, when published: the wrapper, the CLI and the dev server.
const CONSUMED = ["@qstash-flow/flow-control", "@qstash-flow/ops", "@qstash-flow/cli", "@qstash-flow/dev-server"];

export default async function setup(project: TestProject) {
  const tmp = await mkdtemp(join(tmpdir(), "qstash-flow-e2e-"));
  let registry: LocalRegistry | undefined;
  let api: ApiServer | undefined;
  const teardown = async () => {
    await api?.close();
    await registry?.close();
    if (process.env.E2E_KEEP) console.log(`e2e files kept in ${tmp}`);
    else await rm(tmp, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    registry = await startRegistry(join(tmp, "registry"));
    const copy = await copyWorkspace(workspaceRoot, join(tmp, "workspace"));
    const release = await versionAndPublish(copy, registry.env);
    const specs = release.packages.filter((pkg) => CONSUMED.includes(pkg.name)).map((p) => `${p.name}@${p.version}`);
    const consumer = await createConsumer(join(tmp, "consumer"), registry.env, specs);
    api = await startApiServer(consumer.dir);
    console.log(`e2e setup: released and installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    project.provide("e2e", {
      registryUrl: registry.url,
      consumerDir: consumer.dir,
      release,
      installed: consumer.installed,
      api: { kind: api.kind, url: api.url, token: api.token },
    });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
