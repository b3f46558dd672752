// A large synthetic OpenAPI document, to see how code generation scales past the eight
// real operations. Shaped like the real spec: keyed resources with path parameters,
// query parameters, JSON bodies, shared schemas and an error schema; one tag, a server
// and bearer auth, so it passes the project's Redocly rules like the real specs.

const METHODS = ["get", "post", "put", "delete"];

/**
 * @param {number} operations how many operations (path + method pairs) to describe
 * @returns {{ openapi: string, info: object, paths: Record<string, any>, components: { schemas: Record<string, any>, securitySchemes: object } }} an OpenAPI 3.0 document
 */
export function bigSpec(operations) {
  const schemas = {
    Error: { type: "object", required: ["error"], properties: { error: { type: "string" } } },
  };
  const paths = {};
  const resources = Math.ceil(operations / METHODS.length);
  let made = 0;
  for (let r = 0; r < resources && made < operations; r++) {
    const name = `Resource${r}`;
    schemas[name] = {
      type: "object",
      properties: {
        id: { type: "string" },
        size: { type: "integer" },
        paused: { type: "boolean" },
        tags: { type: "array", items: { type: "string" } },
        parent: { $ref: `#/components/schemas/Resource${Math.max(0, r - 1)}` },
      },
    };
    const item = {};
    for (const method of METHODS) {
      if (made === operations) break;
      made++;
      item[method] = operation(name, method);
    }
    paths[`/v2/resource${r}/{resourceKey}`] = item;
  }
  return {
    openapi: "3.0.3",
    info: { title: `synthetic, ${operations} operations`, version: "1.0.0" },
    servers: [{ url: "https://qstash.upstash.io" }],
    security: [{ bearerAuth: [] }],
    tags: [{ name: "Synthetic" }],
    paths,
    components: { schemas, securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } } },
  };
}

function operation(name, method) {
  const ref = { $ref: `#/components/schemas/${name}` };
  const json = (schema) => ({ "application/json": { schema } });
  const op = {
    tags: ["Synthetic"],
    summary: `${method} one ${name}`,
    parameters: [
      { name: "resourceKey", in: "path", required: true, schema: { type: "string" } },
      { name: "limit", in: "query", required: false, schema: { type: "integer" } },
    ],
    responses: {
      200: { description: "ok", content: json(ref) },
      400: { description: "bad request", content: json({ $ref: "#/components/schemas/Error" }) },
      404: { description: "not found", content: json({ $ref: "#/components/schemas/Error" }) },
    },
  };
  if (method === "post" || method === "put") op.requestBody = { required: true, content: json(ref) };
  return op;
}

/** How many operations a document describes. */
export function countOperations(doc) {
  let count = 0;
  for (const item of Object.values(doc.paths ?? {})) {
    for (const method of ["get", "put", "post", "delete", "options", "head", "patch", "trace"]) {
      if (item[method]) count++;
    }
  }
  return count;
}
