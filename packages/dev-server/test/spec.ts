// OpenAPI documents as checkers: which operation a request is, whether its query is
// declared, whether the status is a declared response, and whether the body matches that
// response's schema, with no property the schema does not declare. The merged surface
// is the reference where it has the operation; upstream's own QStash document
// (openapi/qstash.yaml, read as vendored) for the routes the surface does not select.
import { readFileSync } from "node:fs";
import { dirname, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { COMBINED_SPEC } from "@qstash-flow/test-utils";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";

type Json = Record<string, any>;

export const QSTASH_DOCUMENT = resolvePath(dirname(fileURLToPath(import.meta.url)), "../../../openapi/qstash.yaml");

/**
 * What the dev server answers beyond the document, each documented elsewhere by
 * upstream: a DLQ message's `dlqId` (required on docs: _snippets/qstash-dlq-message-type.mdx,
 * which the SDK's `dlq.retry`/`delete` need), and the `{"cancelled": n}` body of a
 * single cancel (the SDK's `messages.cancel(id)` reads it; its tests against QStash
 * expect `cancelled: 1`). Query parameters the SDK sends where the document lists none:
 * `flowControlKey` and `dlqIds` on the DLQ list, `count` and `cursor` on the bulk retry.
 */
function withExtensions(source: Json): Json {
  const doc = structuredClone(source);
  const dlqMessage = doc.components?.schemas?.DLQMessage;
  if (dlqMessage) dlqMessage.properties.dlqId = { type: "string" };
  const cancelOne = doc.paths?.["/v2/messages/{messageId}"]?.delete?.responses?.["200"];
  if (cancelOne) {
    cancelOne.content = {
      "application/json": { schema: { type: "object", properties: { cancelled: { type: "integer" } } } },
    };
  }
  const strings = { type: "array", items: { type: "string" } };
  const extraQuery: Array<[string, string, Json[]]> = [
    [
      "/v2/dlq",
      "get",
      [
        { name: "flowControlKey", in: "query", schema: strings },
        { name: "dlqIds", in: "query", schema: strings },
      ],
    ],
    [
      "/v2/dlq/retry",
      "post",
      [
        { name: "count", in: "query", schema: { type: "integer", maximum: 100 } },
        { name: "cursor", in: "query", schema: { type: "string" } },
      ],
    ],
  ];
  for (const [path, method, parameters] of extraQuery) {
    const operation = doc.paths?.[path]?.[method];
    if (!operation) continue;
    const known = new Set((operation.parameters ?? []).map((p: Json) => p.name));
    operation.parameters = [...(operation.parameters ?? []), ...parameters.filter((p) => !known.has(p.name))];
  }
  return doc;
}

export interface Operation {
  id: string;
  method: string;
  template: string;
  pattern: RegExp;
  responses: Json;
  queryParameters: Json[];
}

export interface Exchange {
  method: string;
  url: URL;
  status: number;
  contentType: string | null;
  body: string;
}

function coerce(schema: Json, text: string): unknown {
  // The document's rule for multi-value filters: repeated, or comma-separated.
  if (schema.type === "array") return text.split(",").map((part) => coerce(schema.items ?? {}, part));
  if (schema.type === "integer" || schema.type === "number") return text.trim() === "" ? text : Number(text);
  if (schema.type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}

export function checkerFor(source: Json) {
  const spec = withExtensions(source);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // The documents' integer format; Ajv knows none of OpenAPI's formats.
  ajv.addFormat("int64", { type: "number", validate: (value: number) => Number.isSafeInteger(value) });
  const compiled = new Map<Json, ReturnType<typeof ajv.compile>>();
  const resolve = (node: Json): Json => {
    if (typeof node?.$ref !== "string") return node;
    const path = (node.$ref as string).replace(/^#\//, "").split("/");
    return resolve(path.reduce((at: Json, part) => at[part.replace(/~1/g, "/").replace(/~0/g, "~")], spec));
  };
  /** The schema with every $ref inlined and every object closed to undeclared properties. */
  const closed = (node: Json): Json => {
    const schema = resolve(node);
    const out: Json = { ...schema };
    if (schema.properties) {
      out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, closed(v as Json)]));
      out.additionalProperties = false;
    }
    if (schema.items) out.items = closed(schema.items);
    return out;
  };
  /** Compiling is slow; each schema object of the spec is compiled once. */
  const validator = (schema: Json, close = false) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(close ? closed(schema) : schema);
      compiled.set(schema, validate);
    }
    return validate;
  };
  const operations: Operation[] = Object.entries(spec.paths as Json).flatMap(([template, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => ["get", "post", "put", "delete", "patch"].includes(method))
      .map(([method, doc]) => ({
        id: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        // A path parameter may be empty here so that requests made empty on purpose still map to their operation.
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]*")}$`),
        responses: (doc as Json).responses,
        queryParameters: ((doc as Json).parameters ?? []).map(resolve).filter((p: Json) => p.in === "query"),
      })),
  );
  // A literal path (`/v2/dlq/retry`) wins over a template that also matches it (`/v2/dlq/{dlqId}`).
  operations.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  const queryAuth = Object.values(spec.components.securitySchemes as Json).find(
    (scheme: Json) => scheme.type === "apiKey" && scheme.in === "query",
  )?.name as string;

  const operationOf = (exchange: Pick<Exchange, "method" | "url">): Operation | undefined =>
    operations.find((op) => op.method === exchange.method && op.pattern.test(exchange.url.pathname));

  /** Problems with the request half: an unknown operation or a query the spec does not declare. */
  const requestProblems = (exchange: Pick<Exchange, "method" | "url">): string[] => {
    const operation = operationOf(exchange);
    if (!operation) return [`no operation for ${exchange.method} ${exchange.url.pathname}`];
    const problems: string[] = [];
    for (const [name, value] of exchange.url.searchParams) {
      if (name === queryAuth) continue;
      const parameter = operation.queryParameters.find((p) => p.name === name);
      if (!parameter) {
        problems.push(`${operation.id}: undeclared query parameter ${name}`);
        continue;
      }
      const validate = validator(parameter.schema);
      if (!validate(coerce(parameter.schema, value))) {
        problems.push(`${operation.id}: query ${name}=${value}: ${ajv.errorsText(validate.errors)}`);
      }
    }
    return problems;
  };

  /** Problems with the response half: an undeclared status, a wrong media type, a body off its schema. */
  const responseProblems = (exchange: Exchange): string[] => {
    const operation = operationOf(exchange);
    if (!operation) return [`no operation for ${exchange.method} ${exchange.url.pathname}`];
    const declared = operation.responses[String(exchange.status)];
    if (!declared) {
      return [`${operation.id}: status ${exchange.status} is not declared (${Object.keys(operation.responses)})`];
    }
    const media = resolve(declared).content?.["application/json"];
    if (!media) return exchange.body === "" ? [] : [`${operation.id} ${exchange.status}: expected no body`];
    if (exchange.contentType !== "application/json") {
      return [`${operation.id} ${exchange.status}: content-type ${exchange.contentType}`];
    }
    const validate = validator(media.schema, true);
    return validate(JSON.parse(exchange.body))
      ? []
      : [`${operation.id} ${exchange.status}: ${ajv.errorsText(validate.errors)} in ${exchange.body}`];
  };

  return { spec, operations, operationOf, requestProblems, responseProblems };
}

const combined = checkerFor(JSON.parse(readFileSync(COMBINED_SPEC, "utf8")));
export const { spec, operations, operationOf, requestProblems, responseProblems } = combined;

/** Upstream's QStash document as vendored, byte for byte. */
export const qstashDocument = checkerFor(parse(readFileSync(QSTASH_DOCUMENT, "utf8")));

/** The checker for an exchange: the merged surface when it has the operation, else upstream's QStash document. */
export function checkerOf(exchange: Pick<Exchange, "method" | "url">) {
  return combined.operationOf(exchange) ? combined : qstashDocument;
}
