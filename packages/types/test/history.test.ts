// Upstream's history as a test: the documents at each commit where flow control changed
// (fixtures/upstream), replayed in order through `pnpm spec:update` into one workspace,
// each step judged as a maintainer of a types package would judge it. Before 2026-03-17
// upstream had no Workflow document: surface.yaml lists only qstash.yaml until the step
// that brings it, which adds it to `specs` (with the exclusion of its stray operation).
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { formatConflict } from "../../../scripts/spec/surface.mjs";
import { specUpdate } from "../../../scripts/spec/update.mjs";
import { SOURCES } from "./spec-workspace.ts";
import { fixturePath, HISTORY, type Step } from "./upstream-history.ts";

const FLOW = "/v2/flowControl/{flowControlKey}";
const QSTASH_ONLY = "specs: [qstash.yaml]\nselect:\n  tags: [Flow Control]\n";
const BOTH = "specs: [qstash.yaml, workflow.yaml]\nselect:\n  tags: [Flow Control]\n  exclude: [GET /v2/keys/rotate]\n";

let dir: string;
const options = () => ({
  openapiDir: join(dir, "openapi"),
  outDir: join(dir, "generated"),
  changesetDir: join(dir, ".changeset"),
  verify: false,
});
const sourcesOf = (step: Step) => Object.fromEntries(step.files.map((file) => [file, fixturePath(step, file)]));
const replay = (step: Step) => specUpdate({ ...options(), sources: sourcesOf(step) });
const step = (date: string) => HISTORY.find((s) => s.date === date) as Step;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "qstash-flow-history-"));
  await mkdir(join(dir, "openapi"));
  await mkdir(join(dir, ".changeset"));
  await writeFile(join(dir, "openapi/sources.yaml"), SOURCES);
  await writeFile(join(dir, "openapi/surface.yaml"), QSTASH_ONLY);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// The steps share one workspace, in order: each test is the next update.
describe.sequential("upstream's history, replayed", () => {
  test("2025-12-01: the QStash document is published; the first types are a minor release", async () => {
    const result = await replay(step("2025-12-01"));
    expect(result.report.bump).toBe("minor");
    expect(result.report.added).toEqual(["GET /v2/flowControl", `GET ${FLOW}`]);
    expect(result.report.namespaces.added).toEqual(["QStashSpec"]);
    expect(result.report.components.map((c: { message: string }) => c.message)).toEqual([
      '`components["schemas"]["Error"]` added',
      '`components["schemas"]["FlowControlKey"]` added',
    ]);
    expect(result.report.servers).toEqual({ before: [], after: ["https://qstash.upstash.io"] });
    // the security requirements arrive too: named, and not a type change
    expect(result.text).toContain("- patch: [Changed] security requirements (not in the types)");
    expect(result.changeset?.content).toMatch(/^---\n"@qstash-flow\/types": minor\n---\n/);
  });

  test("2025-12-09: a filter on other routes changes nothing selected: named, no changeset", async () => {
    const result = await replay(step("2025-12-09"));
    expect(result.report.bump).toBeNull();
    expect(result.report.outside).toEqual([
      { id: "DELETE /v2/dlq", change: "changed", file: "qstash.yaml" },
      { id: "POST /v2/dlq/retry", change: "changed", file: "qstash.yaml" },
    ]);
    expect(result.changeset).toBeNull();
  });

  test("2026-02-25: the list becomes an array and waitlistSize becomes waitListSize: major", async () => {
    const result = await replay(step("2026-02-25"));
    expect(result.report.bump).toBe("major");
    expect(result.report.added).toEqual(["GET /v2/globalParallelism"]);
    const get = result.report.changed.get(`GET ${FLOW}`);
    expect(get).toContainEqual({
      level: "major",
      message: "[Removed] property `waitlistSize` in Response 200 content (application/json)",
    });
    expect(get).toContainEqual({
      level: "minor",
      message: "[Added] property `waitListSize` in Response 200 content (application/json)",
    });
    expect(result.report.changed.get("GET /v2/flowControl")).toContainEqual({
      level: "major",
      message: "[Replaced] type definition in Response 200 content (application/json)",
    });
  });

  test("2026-03-16: pause, resume, pin, unpin, resetRate and three fields: minor", async () => {
    const result = await replay(step("2026-03-16"));
    expect(result.report.bump).toBe("minor");
    expect(result.report.added).toEqual(
      ["pause", "pin", "resetRate", "resume", "unpin"].map((action) => `POST ${FLOW}/${action}`),
    );
    const added = result.report.changed.get(`GET ${FLOW}`)?.map((c) => c.message);
    expect(added).toEqual(
      ["isPinnedParallelism", "isPinnedRate", "isPaused"].map(
        (field) => `[Added] property \`${field}\` in Response 200 content (application/json)`,
      ),
    );
    expect(result.report.removed).toEqual([]);
  });

  test("2026-03-17: the Workflow document, stray operation and all; its own types are a minor release", async () => {
    const workflow = step("2026-03-17");
    // without the exclusion, upstream's defect stops the update and says the way out
    await writeFile(
      join(dir, "openapi/surface.yaml"),
      QSTASH_ONLY.replace("[qstash.yaml]", "[qstash.yaml, workflow.yaml]"),
    );
    await expect(replay(workflow)).rejects.toMatchObject({
      code: "SPEC_LINT",
      message: expect.stringContaining(
        'GET /v2/keys/rotate ("Get Flow Control Key") is selected by tag "Flow Control"',
      ),
    });
    await writeFile(join(dir, "openapi/surface.yaml"), BOTH);
    const result = await replay(workflow);
    expect(result.report.bump).toBe("minor");
    expect(result.report.namespaces.added).toEqual(["WorkflowSpec"]);
    expect(result.report.added).toEqual([]);
    expect(result.report.changed.size).toBe(0);
    expect(result.conflicts.map(formatConflict)).toEqual([
      expect.stringMatching(
        /^FlowControlKey: qstash\.yaml won over workflow\.yaml \(order of specs\): `FlowControlKey\.waitListSize` vs `waitlistSize`; /,
      ),
    ]);
    expect(result.idle).toEqual(["workflow.yaml"]);
    expect(result.report.outside.filter((o: { file: string }) => o.file === "workflow.yaml").length).toBeGreaterThan(
      10,
    );
  });

  test("today: the servers become regional: a patch that names them", async () => {
    const result = await replay(step("2026-08-21"));
    expect(result.report.bump).toBe("patch");
    expect(result.report.servers).toEqual({
      before: ["https://qstash.upstash.io"],
      after: ["https://qstash-{region}.upstash.io"],
    });
    expect(result.report.added).toEqual([]);
    expect(result.report.removed).toEqual([]);
    expect(result.report.changed.size).toBe(0);
  });

  test("today again: nothing is written", async () => {
    const result = await replay(step("2026-08-21"));
    expect(result.files).toEqual([]);
    expect(result.report.bump).toBeNull();
    // one changeset per step that changed the types: five of six
    expect(await readdir(join(dir, ".changeset"))).toHaveLength(5);
  });
});
