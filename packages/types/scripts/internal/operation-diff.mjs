// Compares one operation before and after an update: parameters, request body and
// responses, each difference classified by what it does to existing callers.
import { canonical } from "../merge.mjs";
import { diffSchema } from "./schema-diff.mjs";

export const OPERATION_DOC_KEYS = ["summary", "description", "externalDocs", "tags", "deprecated"];

export const deref = (value, resolve) => (value?.$ref ? resolve(value.$ref) : value);

/** Lists a change of any of `keys` as documentation only. */
export function diffDocKeys(a, b, keys, scope, out) {
  for (const key of keys) {
    if (canonical(a?.[key]) !== canonical(b?.[key])) out.docs.push({ where: scope, message: `${key} changed` });
  }
}

function diffParameters(a, b, ctx) {
  const key = (p) => `${p.in} parameter \`${p.name}\``;
  const index = (list, resolve) =>
    new Map(
      list
        .map((p) => deref(p, resolve))
        .filter(Boolean)
        .map((p) => [key(p), p]),
    );
  const before = index(a.parameters, ctx.resolveA);
  const after = index(b.parameters, ctx.resolveB);
  const removed = [...before.values()].filter((p) => !after.has(key(p)));
  const added = [...after.values()].filter((p) => !before.has(key(p)));
  const add = (level, message) => ctx.out.changes.push({ level, message });
  // one parameter out and one in, in the same place, reads better as a rename
  if (removed.length === 1 && added.length === 1 && removed[0].in === added[0].in) {
    add("major", `${key(removed[0])} renamed to \`${added[0].name}\``);
  } else {
    for (const p of removed) add("major", `${key(p)} removed`);
    for (const p of added)
      add(p.required ? "major" : "minor", `${p.required ? "required" : "optional"} ${key(p)} added`);
  }
  for (const [name, p] of before) {
    const q = after.get(name);
    if (!q) continue;
    const where = `${ctx.scope} ${name}`;
    if (!p.required && q.required) add("major", `${name} became required`);
    if (p.required && !q.required) add("minor", `${name} became optional`);
    diffDocKeys(p, q, ["description", "example", "examples", "deprecated"], where, ctx.out);
    diffSchema(p.schema, q.schema, { ...ctx, direction: "request", where: name });
    for (const k of ["style", "explode", "allowEmptyValue", "allowReserved", "content"]) {
      if (canonical(p[k]) !== canonical(q[k])) add("major", `${name}: ${k} changed`);
    }
  }
}

function diffContent(a, b, label, direction, ctx) {
  const before = a ?? {};
  const after = b ?? {};
  for (const media of Object.keys(before)) {
    if (!(media in after)) ctx.out.changes.push({ level: "major", message: `${label}: ${media} body removed` });
  }
  for (const media of Object.keys(after)) {
    if (!(media in before)) ctx.out.changes.push({ level: "minor", message: `${label}: ${media} body added` });
    else diffSchema(before[media].schema, after[media].schema, { ...ctx, direction, where: `${label} (${media})` });
  }
}

/**
 * Appends the differences between operation `a` (before) and `b` (after) to `ctx.out`.
 * @param {any} a
 * @param {any} b
 * @param {import("./schema-diff.mjs").Context} ctx
 */
export function diffOperation(a, b, ctx) {
  const add = (level, message) => ctx.out.changes.push({ level, message });
  diffDocKeys(a, b, OPERATION_DOC_KEYS, ctx.scope, ctx.out);
  diffParameters(a, b, ctx);

  const bodyA = deref(a.requestBody, ctx.resolveA);
  const bodyB = deref(b.requestBody, ctx.resolveB);
  if (!bodyA && bodyB)
    add(bodyB.required ? "major" : "minor", `${bodyB.required ? "required" : "optional"} request body added`);
  if (bodyA && !bodyB) add("major", "request body removed");
  if (bodyA && bodyB) {
    if (!bodyA.required && bodyB.required) add("major", "request body became required");
    if (bodyA.required && !bodyB.required) add("minor", "request body became optional");
    diffDocKeys(bodyA, bodyB, ["description"], `${ctx.scope} request body`, ctx.out);
    diffContent(bodyA.content, bodyB.content, "request body", "request", ctx);
  }

  const responsesA = a.responses ?? {};
  const responsesB = b.responses ?? {};
  for (const status of Object.keys(responsesA)) {
    if (!(status in responsesB)) add("major", `response ${status} removed`);
  }
  for (const status of Object.keys(responsesB)) {
    if (!(status in responsesA)) {
      add("minor", `response ${status} added`);
      continue;
    }
    const x = deref(responsesA[status], ctx.resolveA) ?? {};
    const y = deref(responsesB[status], ctx.resolveB) ?? {};
    diffDocKeys(x, y, ["description"], `${ctx.scope} response ${status}`, ctx.out);
    diffContent(x.content, y.content, `response ${status}`, "response", ctx);
    const headersA = x.headers ?? {};
    const headersB = y.headers ?? {};
    for (const h of new Set([...Object.keys(headersA), ...Object.keys(headersB)])) {
      const label = `response ${status} header \`${h}\``;
      if (!(h in headersB)) add("major", `${label} removed`);
      else if (!(h in headersA)) add("minor", `${label} added`);
      else diffSchema(headersA[h].schema, headersB[h].schema, { ...ctx, direction: "response", where: label });
    }
  }

  const handled = new Set([...OPERATION_DOC_KEYS, "parameters", "requestBody", "responses"]);
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (handled.has(k) || k.startsWith("x-") || canonical(a[k]) === canonical(b[k])) continue;
    add(k === "operationId" && a[k] === undefined ? "minor" : "major", `${k} changed`);
  }
}
