// The generated surface as test expectations: contract tests ask it what a parameter
// allows instead of assuming what one version of upstream's documents happened to say.
import { readFileSync } from "node:fs";
import { COMBINED_SPEC } from "./prism.ts";

type Json = Record<string, any>;

/** The merged surface `pnpm generate` wrote (combined.openapi.json). */
export const surface = (): Json => JSON.parse(readFileSync(COMBINED_SPEC, "utf8"));

/** The schema of one query parameter of an operation, $refs followed. */
export function queryParameterSchema(method: string, path: string, name: string): Json {
  const doc = surface();
  const follow = (node: Json): Json =>
    typeof node?.$ref === "string"
      ? follow(
          node.$ref
            .replace(/^#\//, "")
            .split("/")
            .reduce((at: Json, part: string) => at[part], doc),
        )
      : node;
  const operation = doc.paths?.[path]?.[method.toLowerCase()];
  const parameter = [...(doc.paths?.[path]?.parameters ?? []), ...(operation?.parameters ?? [])]
    .map(follow)
    .find((p: Json) => p.in === "query" && p.name === name);
  if (!parameter) throw new Error(`the surface has no query parameter ${name} on ${method} ${path}`);
  return follow(parameter.schema);
}

/** A query value the schema refuses: below its minimum where it has one, else of the wrong type. */
export function valueOutside(schema: Json): string {
  if (typeof schema.minimum === "number") return String(schema.minimum - 1);
  if (schema.type === "integer" || schema.type === "number") return "not-a-number";
  if (schema.type === "boolean") return "maybe";
  if (Array.isArray(schema.enum)) return `not-${schema.enum.join("-")}`;
  throw new Error(`no value outside ${JSON.stringify(schema)} is known to this helper`);
}
