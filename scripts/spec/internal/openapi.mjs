// Small helpers on OpenAPI documents shared by the selection, the merge and the report.
import { bundle, createConfig, makeDocumentFromString } from "@redocly/openapi-core";

/** The HTTP methods an OpenAPI path item can hold. */
export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
/** Component kinds dropped when nothing selected reaches them (securitySchemes stay). */
export const UNUSED = ["schemas", "parameters", "examples", "headers", "requestBodies", "responses"];

/** Every operation of a document as "METHOD /path" -> { method, path, op }. */
export function operationsOf(doc) {
  const ops = new Map();
  for (const [path, item] of Object.entries(doc?.paths ?? {})) {
    for (const method of METHODS.filter((m) => item?.[m])) {
      ops.set(`${method.toUpperCase()} ${path}`, { method, path, op: item[method] });
    }
  }
  return ops;
}

const noRules = createConfig({});
/** The document with every $ref replaced by its target: inline or $ref is then no difference. */
export async function dereference(doc) {
  const source = makeDocumentFromString(JSON.stringify(doc), "/surface.json");
  return (await bundle({ doc: source, config: await noRules, dereference: true })).bundle.parsed;
}
