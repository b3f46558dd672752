// `pnpm spec:update` end to end on upstream's whole documents of today, each test changing
// one thing in them: staged, linted, selected, merged, compared with the committed
// surface, judged, reported and written (or not).
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { afterEach } from "vitest";
import { formatBreakage } from "../../../scripts/spec/internal/verify.mjs";
import { formatConflict } from "../../../scripts/spec/surface.mjs";
import { summarize } from "../../../scripts/spec/update.mjs";
import {
  CONSUMER_SOURCE,
  changedQStash,
  qstashSpec,
  removeWorkspaces,
  SURFACE,
  workflowSpec,
  workspace,
} from "./spec-workspace.ts";

afterEach(removeWorkspaces);

const FLOW = "/v2/flowControl/{flowControlKey}";
const UPDATE = join(import.meta.dirname, "../../../scripts/spec/update.mjs");
type Conflict = { id: string; name: string; differences: string[] };

describe("an update from upstream's whole documents", () => {
  test("only the selection is compared; what changed outside it is named, not generated", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths["/v2/queues"].get.summary = "Renamed outside the selection";
      delete d.paths["/v2/queues/{queueName}"];
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) });
    expect(result.report.bump).toBeNull();
    expect(result.report.outside).toEqual([
      { id: "GET /v2/queues", change: "changed", file: "qstash.yaml" },
      { id: "GET /v2/queues/{queueName}", change: "removed", file: "qstash.yaml" },
      { id: "DELETE /v2/queues/{queueName}", change: "removed", file: "qstash.yaml" },
    ]);
    expect(result.changeset).toBeNull();
    expect(await ws.changesets()).toEqual([]);
    const text = summarize(result, ws.dir);
    expect(text).toContain("No change to the selected API surface.");
    expect(text).toContain("3 operations outside the selection changed (carried along, not generated):");
    expect(text).toContain("- `DELETE /v2/queues/{queueName}` (removed, qstash.yaml)");
    expect(text).toContain("No changeset: nothing in the selection changed.");
  });

  test("the selected operations are listed once; more than ten outside changes collapse", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      for (const path of Object.keys(d.paths)
        .filter((p) => !p.startsWith("/v2/flowControl"))
        .slice(0, 12))
        for (const op of Object.values(d.paths[path]) as { summary?: string }[]) op.summary = "Reworded";
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) }, { dryRun: true });
    expect(result.text.match(/operations selected: /g)).toHaveLength(1);
    expect(result.text).toContain(`8 operations selected: GET /v2/flowControl, GET ${FLOW}, POST ${FLOW}/pause`);
    expect(result.report.outside.length).toBeGreaterThan(10);
    expect(result.text).toContain(`- ... and ${result.report.outside.length - 10} more`);
  });

  test("a new optional field is a minor release that names the field; a second run changes nothing", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.components.schemas.FlowControlKey.properties.burst = { type: "integer", description: "Burst." };
    });
    const source = { "qstash.yaml": await ws.source("qstash.yaml", doc) };
    const first = await ws.run(source);
    expect(first.report.bump).toBe("minor");
    expect(first.text).toMatch(/- `GET \/v2\/flowControl`\n {2}- minor: \[Added\] property `burst`/);
    const [name] = await ws.changesets();
    const changeset = await readFile(join(ws.options.changesetDir, name ?? ""), "utf8");
    // dependents import the types: their published files do not change
    expect(changeset).toMatch(/^---\n"@qstash-flow\/types": minor\n---\n/);
    expect(changeset).toContain("[Added] property `burst`");
    // what a user needs: the changes and which spec the types follow, not the update's plumbing
    expect(changeset).toContain("`FlowControlKey.waitListSize` vs `waitlistSize`");
    expect(changeset).not.toContain("outside the selection");
    const generated = await readFile(join(ws.options.outDir, "combined.ts"), "utf8");
    expect(generated).toContain("burst?: number;");

    const before = await ws.snapshot();
    const second = await ws.run(source);
    expect(second.report.bump).toBeNull();
    expect(second.files).toEqual([]);
    expect(await ws.snapshot()).toEqual(before);
  });

  test("a recursive schema is compared and reported like any other", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.components.schemas.FlowControlKey.properties.parent = { $ref: "#/components/schemas/FlowControlKey" };
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) });
    expect(result.report.bump).toBe("minor");
    expect(result.text).toContain("[Added] property `parent`");
    const conflict = result.conflicts.find((c: Conflict) => c.id === "schemas/FlowControlKey");
    expect(conflict?.differences.join("; ")).toMatch(/only in qstash\.yaml: .*`parent`/);
  });

  /** Both specs lose `resetRate`; the update runs with the build check over the consumer package. */
  async function runWithoutResetRate(ws: Awaited<ReturnType<typeof workspace>>) {
    const doc = changedQStash((d) => {
      delete d.paths[`${FLOW}/resetRate`];
    });
    const workflow = workflowSpec();
    delete workflow.paths[`${FLOW}/resetRate`];
    return ws.run(
      {
        "qstash.yaml": await ws.source("qstash.yaml", doc),
        "workflow.yaml": await ws.source("workflow.yaml", workflow),
      },
      { verify: true, verifyPackages: [ws.consumerDir] },
    );
  }

  test("a breaking change upstream is written anyway, and names the calls it breaks", async () => {
    const ws = await workspace();
    const result = await runWithoutResetRate(ws);
    expect(result.report.bump).toBe("major");
    expect(result.report.removed).toEqual([`POST ${FLOW}/resetRate`]);
    const line = CONSUMER_SOURCE.split("\n").findIndex((l) => l.includes("/resetRate")) + 1;
    expect(result.breakages.map(formatBreakage)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^operation POST /v2/flowControl/\\{flowControlKey\\}/resetRate broke packages/consumer/src/index\\.ts:${line}: `,
        ),
      ),
    ]);
    expect(summarize(result, ws.dir)).toContain("Build check: the new types break the build:");
    // the documents, the types and the changeset are written, so the clients can follow
    expect(await readFile(join(ws.options.openapiDir, "qstash.yaml"), "utf8")).not.toContain(`${FLOW}/resetRate:`);
    expect(await readFile(join(ws.options.outDir, "combined.ts"), "utf8")).not.toContain("/resetRate");
    expect(await ws.changesets()).toHaveLength(1);
  });

  test("the command exits 2 after writing a breaking update, naming the call site", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      delete d.paths[`${FLOW}/resetRate`];
    });
    const workflow = workflowSpec();
    delete workflow.paths[`${FLOW}/resetRate`];
    const { openapiDir, outDir, changesetDir, packagesDir } = ws.options;
    const args = [
      ...["--openapi-dir", openapiDir, "--out-dir", outDir, "--changeset-dir", changesetDir],
      ...["--packages-dir", packagesDir, "--verify-package", ws.consumerDir, "--no-test"],
      ...["--source", `qstash.yaml=${await ws.source("qstash.yaml", doc)}`],
      ...["--source", `workflow.yaml=${await ws.source("workflow.yaml", workflow)}`],
    ];
    const failed = promisify(execFile)(process.execPath, [UPDATE, ...args], {
      env: { ...process.env, INIT_CWD: ws.dir },
    });
    const line = CONSUMER_SOURCE.split("\n").findIndex((l) => l.includes("/resetRate")) + 1;
    await expect(failed).rejects.toMatchObject({
      code: 2,
      stdout: expect.stringContaining(`broke packages/consumer/src/index.ts:${line}: `),
    });
    expect(await ws.changesets()).toHaveLength(1);
  });

  test("a call through request(), a type indexed by path and method: named too; other errors are not", async () => {
    const ws = await workspace();
    const source = [
      `import type { paths } from "@qstash-flow/types";`,
      `declare const transport: { request<P extends keyof paths>(method: "post", path: P): Promise<unknown> };`,
      `declare const client: { POST(path: "/v2/flowControl/{flowControlKey}/pause"): Promise<unknown> };`,
      `export const reset = () => transport.request("post", "/v2/flowControl/{flowControlKey}/resetRate");`,
      `export type Reset = paths["/v2/flowControl/{flowControlKey}/resetRate"]["post"];`,
      `export const paused = client.POST("/v2/flowControl/{flowControlKey}/pause").then(() => {`,
      `  const count: number = "not a number";`,
      "  return count;",
      "});",
      "",
    ].join("\n");
    await writeFile(join(ws.consumerDir, "src/index.ts"), source);
    const result = await runWithoutResetRate(ws);
    const file = "packages/consumer/src/index.ts";
    const op = `operation POST ${FLOW.replace(/[{}]/g, "\\$&")}/resetRate broke ${file}`;
    expect(result.breakages.map(formatBreakage)).toEqual([
      expect.stringMatching(new RegExp(`^${op}:4: `)),
      expect.stringMatching(new RegExp(`^${op}:5: `)),
      expect.stringMatching(new RegExp(`^${file}:7: .*\\(no operation call found here\\)$`)),
    ]);
  });
});

describe("bumps are judged by what a user of the types can reference", () => {
  test("a changed parameter type is major", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths[`${FLOW}/pin`].post.parameters[1].schema.type = "string";
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) });
    expect(result.report.bump).toBe("major");
    expect(result.report.changed.get(`POST ${FLOW}/pin`)).toEqual([
      { level: "major", message: "[Replaced] type definition in query parameter `parallelism`" },
    ]);
  });

  test("wording is a patch: summaries, descriptions and a reworded x-mint text", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths[`${FLOW}/pause`].post.summary = "Pause a key";
      d.paths[`${FLOW}/pin`].post["x-mint"] = { content: "One sentence, reworded." };
      d.components.schemas.FlowControlKey.properties.rateMax.description = "Messages per period.";
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) });
    expect(result.report.bump).toBe("patch");
    expect(result.verified).toBe(false);
    expect(result.changeset?.content).toContain('"@qstash-flow/types": patch');
  });

  test("a validation keyword the types do not hold is a patch", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.paths[`${FLOW}/pin`].post.parameters[1].schema.minimum = 1;
    });
    const result = await ws.run({ "qstash.yaml": await ws.source("qstash.yaml", doc) }, { dryRun: true });
    expect(result.report.bump).toBe("patch");
  });

  test("a change of servers is named as such", async () => {
    const ws = await workspace();
    const doc = changedQStash((d) => {
      d.servers = [{ url: "https://qstash.upstash.io" }];
    });
    const workflow = workflowSpec();
    workflow.servers = doc.servers;
    const sources = {
      "qstash.yaml": await ws.source("qstash.yaml", doc),
      "workflow.yaml": await ws.source("workflow.yaml", workflow),
    };
    const result = await ws.run(sources, { dryRun: true });
    expect(result.report.bump).toBe("patch");
    expect(result.report.servers).toEqual({
      before: ["https://qstash-{region}.upstash.io"],
      after: ["https://qstash.upstash.io"],
    });
    expect(result.text).toContain("**Servers (patch: not in the types; the clients' base URLs may need to follow)**");
    expect(result.text).toContain("- after: https://qstash.upstash.io");
  });

  test("a component users import that disappears is major, and named", async () => {
    const ws = await workspace();
    const [doc, workflow] = [qstashSpec(), workflowSpec()];
    for (const d of [doc, workflow]) {
      // the list's items inline: `components["schemas"]["FlowControlKey"]` is no longer a name
      const items = d.paths["/v2/flowControl"].get.responses["200"].content["application/json"].schema;
      items.items = structuredClone(d.components.schemas.FlowControlKey);
      d.paths[FLOW].get.responses["200"].content["application/json"].schema = structuredClone(
        d.components.schemas.FlowControlKey,
      );
    }
    const sources = {
      "qstash.yaml": await ws.source("qstash.yaml", doc),
      "workflow.yaml": await ws.source("workflow.yaml", workflow),
    };
    const result = await ws.run(sources, { dryRun: true });
    expect(result.report.bump).toBe("major");
    expect(result.report.components).toContainEqual({
      level: "major",
      message: '`components["schemas"]["FlowControlKey"]` removed',
    });
  });
});

describe("conflicts", () => {
  test("each conflict once, by short name, with the side that won; a resolution can come with the update", async () => {
    const ws = await workspace();
    const qstash = await ws.source("qstash.yaml", qstashSpec());
    const dry = await ws.run({ "qstash.yaml": qstash }, { dryRun: true });
    // the operations name the schema by $ref in both files: the schema's conflict is the only one
    expect(dry.conflicts.map((c: Conflict) => c.id)).toEqual(["schemas/FlowControlKey"]);
    const [key] = dry.conflicts;
    expect(formatConflict(key)).toMatch(
      /^FlowControlKey: qstash\.yaml won over workflow\.yaml \(order of specs\): `FlowControlKey\.waitListSize` vs `waitlistSize`; only in qstash\.yaml: `parallelismMax`, .*`isPaused`$/,
    );
    // qstash.yaml defines everything selected: the Workflow file adds nothing today, and
    // stays vendored; a file of the project's own would be told to go
    expect(dry.idle).toEqual(["workflow.yaml"]);
    expect(summarize(dry, ws.dir)).toContain("workflow.yaml: every selected entry it defines comes from");
    expect(summarize(dry, ws.dir, { vendored: ["qstash.yaml"] })).toContain(
      "workflow.yaml contributes nothing to the generated types: every selected entry it defines comes from a spec before it. Delete it",
    );

    // the same run, with the resolution declared for the specs being written
    await writeFile(
      join(ws.options.openapiDir, "surface.yaml"),
      `${SURFACE}resolve:\n  schemas/FlowControlKey: workflow.yaml\n`,
    );
    const result = await ws.run({ "qstash.yaml": qstash });
    expect(result.report.bump).toBe("major");
    expect(result.idle).toEqual([]);
    expect(formatConflict(result.conflicts[0])).toContain(
      'FlowControlKey: workflow.yaml won over qstash.yaml (resolve "schemas/FlowControlKey")',
    );
    expect(result.report.changed.get("GET /v2/flowControl")).toContainEqual({
      level: "major",
      message: "[Removed] property `isPaused` from `[]` in Response 200 content (application/json)",
    });
    const surface = JSON.parse(await readFile(join(ws.options.outDir, "combined.openapi.json"), "utf8"));
    expect(Object.keys(surface.components.schemas.FlowControlKey.properties)).toEqual([
      "flowControlKey",
      "waitlistSize",
    ]);
  });

  test("a resolution the specs being written do not need fails, naming it", async () => {
    const ws = await workspace({ surface: `${SURFACE}resolve:\n  "GET /v2/globalParallelism": workflow.yaml\n` });
    const source = await ws.source("q.yaml", qstashSpec());
    const before = await ws.snapshot();
    await expect(ws.run({ "qstash.yaml": source })).rejects.toMatchObject({
      code: "SPEC_CONFLICT",
      message: expect.stringContaining(
        'resolve "GET /v2/globalParallelism" resolves nothing (the specs agree on it); remove the entry',
      ),
    });
    expect(await ws.snapshot()).toEqual(before);
  });

  test("the merged document has one list of servers, the most trusted spec's", async () => {
    const ws = await workspace();
    const workflow = workflowSpec();
    workflow.servers = [{ url: "https://qstash.upstash.io" }];
    const dry = await ws.run({ "workflow.yaml": await ws.source("w.yaml", workflow) }, { dryRun: true });
    expect(dry.report.servers).toBeNull();
    expect(formatConflict(dry.conflicts.find((c: Conflict) => c.id === "servers"))).toMatch(
      /^servers: qstash\.yaml won over workflow\.yaml \(order of specs\): /,
    );
  });
});
