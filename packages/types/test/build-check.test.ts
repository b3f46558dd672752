import { afterEach, describe, expect, test } from "vitest";
import { defaults, formatBreakage } from "../scripts/spec-update.mjs";
import { CONSUMER_SOURCE, pages, removeWorkspaces, workspace } from "./spec-update-fixture.ts";

afterEach(removeWorkspaces);

const lineOf = (text: string) => CONSUMER_SOURCE.split("\n").findIndex((line) => line.includes(text)) + 1;

describe("the build check after an update", () => {
  test("additions keep the consumer compiling", async () => {
    const ws = await workspace();
    const result = await ws.run(pages({ "workflow.yaml": ["resume.md", "unpin.md", "pin.md"] }), {
      verify: true,
      verifyPackages: [ws.consumerDir],
    });
    expect(result.verified).toBe(true);
    expect(result.breakages).toEqual([]);
  });

  test("a removed operation is named with the file and line of each call it breaks", async () => {
    const ws = await workspace();
    // the qstash file now documents pin instead of pause: pause is gone, unpin too
    const result = await ws.run(pages({ "qstash.yaml": ["pin.md"], "workflow.yaml": ["resume.md"] }), {
      verify: true,
      verifyPackages: [ws.consumerDir],
      dryRun: true,
    });
    const lines = result.breakages.map(formatBreakage);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^operation POST /v2/flowControl/\\{flowControlKey\\}/unpin broke packages/consumer/src/index\\.ts:${lineOf('"/v2/flowControl/{flowControlKey}/unpin"')}: Argument of type`,
      ),
    );
    // a path built from a template: the checker knows which operations it can be, and which is gone
    expect(result.breakages[1]?.candidates).toEqual([
      "POST /v2/flowControl/{flowControlKey}/pause",
      "POST /v2/flowControl/{flowControlKey}/resume",
    ]);
    const template = "/v2/flowControl/{flowControlKey}/$" + "{action}"; // as written in the consumer
    expect(lines[1]).toContain(
      `operation POST ${template} (POST /v2/flowControl/{flowControlKey}/pause no longer in the spec) ` +
        `broke packages/consumer/src/index.ts:${lineOf(template)}:`,
    );
  });

  test("--no-verify skips the check", async () => {
    const ws = await workspace();
    const result = await ws.run(pages({ "workflow.yaml": ["resume.md"] }), {
      verify: false,
      verifyPackages: [ws.consumerDir],
    });
    expect(result.verified).toBe(false);
    expect(result.breakages).toEqual([]);
  });

  test("the real client and wrapper: dropping unpin names the wrapper's call", async () => {
    // a copy of the real openapi/ folder, so every other operation stays as the packages expect
    const ws = await workspace(defaults.openapiDir);
    const result = await ws.run(pages({ "workflow.yaml": ["resume.md"] }), {
      verify: true,
      dryRun: true,
      packagesDir: defaults.packagesDir,
      verifyPackages: defaults.verifyPackages,
    });
    expect(result.changeset?.packages).toEqual(
      expect.arrayContaining(["@qstash-flow/types", "@qstash-flow/fetch", "@qstash-flow/flow-control"]),
    );
    const broken = result.breakages.filter((b) => b.operation === "POST /v2/flowControl/{flowControlKey}/unpin");
    expect(broken.map((b) => b.file)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^packages\/flow-control\/src\//),
        "packages/fetch/src/client.test-d.ts",
      ]),
    );
  }, 120_000);
});
