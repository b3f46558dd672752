import { describe, expect, test } from "vitest";
import { bumpOf, diffSurfaces } from "../scripts/diff.mjs";

const error = { type: "object", required: ["error"], properties: { error: { type: "string" } } };
const key = { type: "object", properties: { flowControlKey: { type: "string" }, waitListSize: { type: "integer" } } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { "application/json": { schema } } });

/** A small merged surface: get (reads FlowControlKey) and pin (sends a JSON body). */
function surface() {
  return structuredClone({
    openapi: "3.1.0",
    info: { title: "t", version: "2.0.0" },
    servers: [{ url: "https://qstash.upstash.io" }],
    paths: {
      "/v2/flowControl/{flowControlKey}": {
        get: {
          summary: "Get",
          parameters: [{ name: "flowControlKey", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "ok", ...json(ref("FlowControlKey")) }, "404": json(ref("Error")) },
        },
      },
      "/v2/flowControl/{flowControlKey}/pin": {
        post: {
          requestBody: json({ type: "object", properties: { rate: { type: "integer" } } }),
          responses: { "200": { description: "pinned" } },
        },
      },
    },
    components: { schemas: { Error: error, FlowControlKey: key } },
  }) as any;
}

function after(change: (doc: any) => void) {
  const doc = surface();
  change(doc);
  return diffSurfaces(surface(), doc);
}

const all = (report: ReturnType<typeof diffSurfaces>) =>
  [
    ...report.operations.changed.flatMap((o) => o.changes),
    ...report.components.changed.flatMap((c) => c.changes),
    ...report.servers,
  ].map((c) => `${c.level}: ${c.message}`);

describe("diffSurfaces", () => {
  test("identical surfaces: nothing to release", () => {
    const report = diffSurfaces(surface(), surface());
    expect(report.bump).toBeNull();
    expect(bumpOf(report)).toBeNull();
  });

  test("a response schema: a field removed or made optional breaks readers, a field added does not", () => {
    const schema = (doc: any) => doc.components.schemas.FlowControlKey;
    let report = after((doc) => delete schema(doc).properties.waitListSize);
    expect(all(report)).toEqual(["major: property `waitListSize` removed"]);
    expect(report.components.changed[0]?.usedBy).toEqual(["GET /v2/flowControl/{flowControlKey}"]);

    report = after((doc) => {
      schema(doc).properties.isPaused = { type: "boolean" };
    });
    expect(all(report)).toEqual(["minor: optional property `isPaused` added"]);
    expect(report.bump).toBe("minor");

    report = after((doc) => {
      doc.components.schemas.Error.required = [];
    });
    expect(all(report)).toEqual(["major: property `error` became optional"]);
  });

  test("a request body: a new required field breaks senders, a new optional one does not", () => {
    const body = (doc: any) =>
      doc.paths["/v2/flowControl/{flowControlKey}/pin"].post.requestBody.content["application/json"].schema;
    expect(
      all(
        after((doc) =>
          Object.assign(body(doc), {
            required: ["period"],
            properties: { ...body(doc).properties, period: { type: "integer" } },
          }),
        ),
      ),
    ).toEqual(["major: request body (application/json): required property `period` added"]);
    expect(all(after((doc) => Object.assign(body(doc).properties, { period: { type: "integer" } })))).toEqual([
      "minor: request body (application/json): optional property `period` added",
    ]);
  });

  test("a path-level $ref parameter is compared, beside an operation-level $ref one", () => {
    const withRefs = (keyType: string) => {
      const doc = surface();
      doc.components.parameters = {
        Key: { name: "flowControlKey", in: "path", required: true, schema: { type: keyType } },
        DryRun: { name: "dryRun", in: "query", schema: { type: "boolean" } },
      };
      const item = doc.paths["/v2/flowControl/{flowControlKey}"];
      item.parameters = [{ $ref: "#/components/parameters/Key" }];
      item.get.parameters = [{ $ref: "#/components/parameters/DryRun" }];
      return doc;
    };
    const report = diffSurfaces(withRefs("string"), withRefs("integer"));
    expect(all(report)).toEqual(["major: path parameter `flowControlKey`: type string → integer"]);
    expect(report.bump).toBe("major");
  });

  test("a renamed parameter is one major change", () => {
    const report = after((doc) => {
      doc.paths["/v2/flowControl/{flowControlKey}"].get.parameters[0].name = "key";
    });
    expect(all(report)).toEqual(["major: path parameter `flowControlKey` renamed to `key`"]);
  });

  test("servers: removing one is major, adding one is minor, a variable's new value is minor", () => {
    const removed = after((doc) => {
      doc.servers = [];
    });
    expect(all(removed)).toEqual(["major: server https://qstash.upstash.io removed"]);
    expect(removed.bump).toBe("major");
    const regional = {
      url: "https://qstash-{region}.upstash.io",
      variables: { region: { default: "eu-central-1", enum: ["eu-central-1"] } },
    };
    const withRegion = (doc: any) => doc.servers.push(structuredClone(regional));
    expect(all(after(withRegion))).toEqual(["minor: server https://qstash-{region}.upstash.io added"]);
    const before = surface();
    withRegion(before);
    const next = surface();
    withRegion(next);
    next.servers[1].variables.region.enum.push("us-east-1");
    expect(all(diffSurfaces(before, next))).toEqual([
      'minor: server https://qstash-{region}.upstash.io variable `region`: enum "eu-central-1" → "eu-central-1" | "us-east-1"',
    ]);
  });

  test("a schema turned from a $ref into the same shape inline is not a change of the API", () => {
    const report = after((doc) => {
      doc.paths["/v2/flowControl/{flowControlKey}"].get.responses["404"] = json(structuredClone(error));
    });
    expect(all(report)).toEqual([]);
    expect(report.bump).toBe("patch");
    expect(report.docs[0]?.message).toBe("now inline instead of #/components/schemas/Error");
  });

  test("components and operations added or removed", () => {
    const report = after((doc) => {
      delete doc.components.schemas.FlowControlKey;
      doc.components.schemas.GlobalParallelism = { type: "object" };
      doc.paths["/v2/globalParallelism"] = { get: { responses: { "200": json(ref("GlobalParallelism")) } } };
    });
    expect(report.components.removed).toEqual(["schemas/FlowControlKey"]);
    expect(report.components.added).toEqual(["schemas/GlobalParallelism"]);
    expect(report.operations.added.map((o) => o.id)).toEqual(["GET /v2/globalParallelism"]);
    expect(report.bump).toBe("major");
  });

  test("only the version and descriptions: a patch", () => {
    const report = after((doc) => {
      doc.info.version = "2.1.0";
      doc.paths["/v2/flowControl/{flowControlKey}"].get.summary = "Get one key";
      doc.components.schemas.FlowControlKey.properties.waitListSize.description = "messages waiting";
    });
    expect(report.bump).toBe("patch");
    expect(report.docs).toEqual([
      { where: "GET /v2/flowControl/{flowControlKey}", message: "summary changed" },
      { where: "schemas/FlowControlKey waitListSize", message: "description changed" },
      { where: "info", message: "API version 2.0.0 → 2.1.0" },
    ]);
  });

  test("an unrecognised change counts as breaking", () => {
    const report = after((doc) => {
      doc.components.schemas.FlowControlKey.discriminator = { propertyName: "kind" };
    });
    expect(all(report)).toEqual(["major: discriminator changed"]);
  });
});
