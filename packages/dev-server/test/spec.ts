// The merged OpenAPI spec as a checker: which operation a request is, whether its
// query is declared, whether the status is a declared response, and whether the body
// matches that response's schema, with no property the schema does not declare.
import { readFileSync } from "node:fs";
import { COMBINED_SPEC } from "@qstash-flow/test-utils";
import { Ajv2020 } from "ajv/dist/2020.js";

type Json = Record<string, any>;

export const spec: Json = JSON.parse(readFileSync(COMBINED_SPEC, "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
const compiled = new Map<Json, ReturnType<typeof ajv.compile>>();

/** Compiling is slow; each schema object of the spec is compiled once. */
function validator(schema: Json, close = false): ReturnType<typeof ajv.compile> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(close ? closed(schema) : schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function resolve(node: Json): Json {
  if (typeof node?.$ref !== "string") return node;
  const path = (node.$ref as string).replace(/^#\//, "").split("/");
  return resolve(path.reduce((at: Json, part) => at[part.replace(/~1/g, "/").replace(/~0/g, "~")], spec));
}

/** The schema with every $ref inlined and every object closed to undeclared properties. */
function closed(node: Json): Json {
  const schema = resolve(node);
  const out: Json = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, closed(v as Json)]));
    out.additionalProperties = false;
  }
  if (schema.items) out.items = closed(schema.items);
  return out;
}

export interface Operation {
  id: string;
  method: string;
  template: string;
  pattern: RegExp;
  responses: Json;
  queryParameters: Json[];
}

export const operations: Operation[] = Object.entries(spec.paths as Json).flatMap(([template, item]) =>
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

const QUERY_AUTH = Object.values(spec.components.securitySchemes as Json).find(
  (scheme: Json) => scheme.type === "apiKey" && scheme.in === "query",
)?.name as string;

export interface Exchange {
  method: string;
  url: URL;
  status: number;
  contentType: string | null;
  body: string;
}

function coerce(schema: Json, text: string): unknown {
  if (schema.type === "integer" || schema.type === "number") return text.trim() === "" ? text : Number(text);
  if (schema.type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}

/** Problems with the request half: an unknown operation or a query the spec does not declare. */
export function requestProblems(exchange: Exchange): string[] {
  const operation = operationOf(exchange);
  if (!operation) return [`no operation for ${exchange.method} ${exchange.url.pathname}`];
  const problems: string[] = [];
  for (const [name, value] of exchange.url.searchParams) {
    if (name === QUERY_AUTH) continue;
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
}

/** Problems with the response half: an undeclared status, a wrong media type, a body off its schema. */
export function responseProblems(exchange: Exchange): string[] {
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
}

export function operationOf(exchange: Exchange): Operation | undefined {
  return operations.find((op) => op.method === exchange.method && op.pattern.test(exchange.url.pathname));
}
