// Compares two JSON Schemas and classifies each difference by what it does to callers.
// Direction matters: a schema a caller sends (request) may grow what it accepts without
// breaking anyone, a schema a caller receives (response) may grow what it promises.
// Anything this module does not recognise counts as incompatible, so an update is never
// released with a smaller bump than it deserves.
import { canonical } from "../merge.mjs";

export const LEVELS = ["patch", "minor", "major"];
export const maxLevel = (...levels) =>
  levels.reduce((a, b) => (LEVELS.indexOf(b ?? "") > LEVELS.indexOf(a ?? "") ? b : a), null);

/** Keys that only document: a change there is a patch and listed apart. */
export const DOC_KEYS = ["description", "summary", "title", "example", "examples", "externalDocs", "$comment"];

const MIN_KEYS = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"];
const MAX_KEYS = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"];
const STRICT_KEYS = ["pattern", "multipleOf", "uniqueItems", "format", "const"];
const HANDLED = new Set([
  ...DOC_KEYS,
  ...MIN_KEYS,
  ...MAX_KEYS,
  ...STRICT_KEYS,
  "$ref",
  "type",
  "nullable",
  "enum",
  "default",
  "deprecated",
  "properties",
  "required",
  "items",
  "additionalProperties",
  "allOf",
  "oneOf",
  "anyOf",
]);

/**
 * @typedef {"patch" | "minor" | "major"} Level
 * @typedef {{ level: Level, message: string }} Change
 * @typedef {{ where: string, message: string }} DocChange
 * @typedef {{ changes: Change[], docs: DocChange[] }} Findings
 * @typedef {{ direction: "request" | "response" | "both", where: string, scope?: string,
 *   resolveA: (ref: string) => any, resolveB: (ref: string) => any, out: Findings, depth?: number }} Context
 */

/** The level of a change that narrows what is allowed (request: breaks senders; response: fine). */
const narrowing = (ctx) => (ctx.direction === "response" ? "minor" : "major");
/** The level of a change that widens what is allowed (response: breaks readers; request: fine). */
const widening = (ctx) => (ctx.direction === "request" ? "minor" : "major");

const add = (ctx, level, message) =>
  ctx.out.changes.push({ level, message: ctx.where ? `${ctx.where}: ${message}` : message });
const doc = (ctx, message) => ctx.out.docs.push({ where: [ctx.scope, ctx.where].filter(Boolean).join(" "), message });
const child = (ctx, where) => ({ ...ctx, where: ctx.where ? `${ctx.where}${where}` : where.replace(/^\./, "") });
const show = (value) => (typeof value === "string" ? value : JSON.stringify(value));

function typesOf(schema) {
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (schema.nullable === true) types.push("null");
  return new Set(types);
}

function compareSets(ctx, label, a, b) {
  const removed = [...a].filter((x) => !b.has(x));
  const added = [...b].filter((x) => !a.has(x));
  if (!removed.length && !added.length) return;
  // an empty set is no constraint at all: every value is allowed
  let level = removed.length && added.length ? "major" : removed.length ? narrowing(ctx) : widening(ctx);
  if (a.size === 0) level = narrowing(ctx);
  if (b.size === 0) level = widening(ctx);
  add(ctx, level, `${label} ${[...a].join(" | ") || "(any)"} → ${[...b].join(" | ") || "(any)"}`);
}

function compareBounds(ctx, a, b) {
  for (const key of [...MIN_KEYS, ...MAX_KEYS, ...STRICT_KEYS]) {
    if (canonical(a[key]) === canonical(b[key])) continue;
    let tighter;
    if (a[key] === undefined) tighter = true;
    else if (b[key] === undefined) tighter = false;
    else if (MIN_KEYS.includes(key) && typeof a[key] === "number") tighter = b[key] > a[key];
    else if (MAX_KEYS.includes(key) && typeof a[key] === "number") tighter = b[key] < a[key];
    // pattern, format, const and the like cannot be ordered: both directions can break
    const level = tighter === undefined ? "major" : tighter ? narrowing(ctx) : widening(ctx);
    add(ctx, level, `${key} ${show(a[key] ?? "(none)")} → ${show(b[key] ?? "(none)")}`);
  }
}

function compareProperties(ctx, a, b) {
  const before = a.properties ?? {};
  const after = b.properties ?? {};
  const requiredA = new Set(a.required ?? []);
  const requiredB = new Set(b.required ?? []);
  for (const name of Object.keys(before)) {
    if (!(name in after)) add(ctx, "major", `property \`${name}\` removed`);
  }
  for (const name of Object.keys(after)) {
    if (!(name in before)) {
      const required = requiredB.has(name);
      const level = ctx.direction === "response" ? "minor" : required ? "major" : "minor";
      add(ctx, level, `${required ? "required" : "optional"} property \`${name}\` added`);
    }
  }
  for (const name of Object.keys(before)) {
    if (!(name in after)) continue;
    if (!requiredA.has(name) && requiredB.has(name)) add(ctx, narrowing(ctx), `property \`${name}\` became required`);
    if (requiredA.has(name) && !requiredB.has(name)) add(ctx, widening(ctx), `property \`${name}\` became optional`);
    diffSchema(before[name], after[name], child(ctx, `.${name}`));
  }
}

function compareComposition(ctx, a, b) {
  for (const key of ["allOf", "oneOf", "anyOf"]) {
    if (canonical(a[key]) === canonical(b[key])) continue;
    const x = a[key] ?? [];
    const y = b[key] ?? [];
    if (x.length === y.length) {
      x.forEach((item, i) => {
        diffSchema(item, y[i], child(ctx, ` (${key} #${i + 1})`));
      });
    } else {
      add(ctx, "major", `${key} has ${y.length} schemas instead of ${x.length}`);
    }
  }
}

/**
 * Appends the differences between schemas `a` (before) and `b` (after) to `ctx.out`.
 * @param {any} a
 * @param {any} b
 * @param {Context} ctx
 */
export function diffSchema(a, b, ctx) {
  if (canonical(a) === canonical(b)) return;
  if (a === undefined || b === undefined) {
    // no schema accepts anything
    add(ctx, a === undefined ? narrowing(ctx) : widening(ctx), a === undefined ? "schema added" : "schema removed");
    return;
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    add(ctx, "major", `schema ${show(a)} → ${show(b)}`);
    return;
  }
  if (a.$ref && a.$ref === b.$ref) return; // the component itself is compared once, under components
  if (a.$ref || b.$ref) {
    const depth = (ctx.depth ?? 0) + 1;
    if (depth > 20) return add(ctx, "major", "recursive schema changed");
    if (a.$ref !== b.$ref)
      doc(ctx, `now ${b.$ref ? `refers to ${b.$ref}` : "inline"} instead of ${a.$ref ?? "inline"}`);
    const left = a.$ref ? ctx.resolveA(a.$ref) : a;
    const right = b.$ref ? ctx.resolveB(b.$ref) : b;
    if (left === undefined || right === undefined) return add(ctx, "major", `unresolvable $ref ${a.$ref ?? b.$ref}`);
    return diffSchema(left, right, { ...ctx, depth });
  }

  for (const key of DOC_KEYS) {
    if (canonical(a[key]) !== canonical(b[key])) doc(ctx, `${key} changed`);
  }
  if (Boolean(a.deprecated) !== Boolean(b.deprecated)) doc(ctx, b.deprecated ? "deprecated" : "no longer deprecated");

  compareSets(ctx, "type", typesOf(a), typesOf(b));
  if (canonical(a.enum) !== canonical(b.enum)) {
    if (a.enum === undefined) add(ctx, narrowing(ctx), `now limited to ${b.enum.map(show).join(", ")}`);
    else if (b.enum === undefined) add(ctx, widening(ctx), "no longer limited to an enum");
    else {
      const x = new Set(a.enum.map(canonical));
      const y = new Set(b.enum.map(canonical));
      compareSets(ctx, "enum", x, y);
    }
  }
  if (canonical(a.default) !== canonical(b.default)) {
    // a request default decides what the server does when the caller says nothing
    if (ctx.direction === "response") doc(ctx, "default changed");
    else
      add(
        ctx,
        a.default === undefined ? "minor" : "major",
        `default ${show(a.default ?? "(none)")} → ${show(b.default ?? "(none)")}`,
      );
  }
  compareBounds(ctx, a, b);
  compareProperties(ctx, a, b);
  if (canonical(a.items) !== canonical(b.items)) diffSchema(a.items, b.items, child(ctx, "[]"));
  const extraA = a.additionalProperties;
  const extraB = b.additionalProperties;
  if (canonical(extraA) !== canonical(extraB)) {
    if (typeof extraA === "object" && typeof extraB === "object") {
      diffSchema(extraA, extraB, child(ctx, "[*]"));
    } else {
      const opensUp = extraB === true || extraB === undefined;
      add(
        ctx,
        opensUp ? widening(ctx) : narrowing(ctx),
        `additionalProperties ${show(extraA ?? "(any)")} → ${show(extraB ?? "(any)")}`,
      );
    }
  }
  compareComposition(ctx, a, b);

  const rest = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) => !HANDLED.has(k) && !k.startsWith("x-"),
  );
  for (const key of rest) {
    if (canonical(a[key]) !== canonical(b[key])) add(ctx, "major", `${key} changed`);
  }
}
