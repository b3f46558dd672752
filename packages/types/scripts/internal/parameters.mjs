// Path-level parameters apply to every operation of the path unless the operation has a
// parameter with the same name and location. Shared by merge.mjs and diff.mjs.

/** Looks up a local `#/...` JSON pointer in a document; undefined for anything else. */
export const resolver = (doc) => (ref) => {
  if (typeof ref !== "string" || !ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((node, part) => node?.[part], doc);
};

/**
 * What identifies a parameter: its location and name, read through a local `$ref` when the
 * target is found; a `$ref` that cannot be resolved is identified by the reference itself,
 * so two different references never count as the same parameter.
 */
export function parameterKey(parameter, resolve = () => undefined) {
  let target = parameter;
  const refs = [];
  while (target && typeof target.$ref === "string") {
    if (refs.includes(target.$ref)) break; // a reference cycle
    refs.push(target.$ref);
    target = resolve(target.$ref);
  }
  if (target && typeof target.$ref !== "string" && target.name !== undefined && target.in !== undefined) {
    return JSON.stringify(["param", target.in, target.name]);
  }
  if (typeof parameter?.$ref === "string") return JSON.stringify(["$ref", parameter.$ref]);
  return JSON.stringify(["malformed", parameter ?? null]); // no name or location: only equal to itself
}

/** The parameters an operation ends up with: the path-level ones it does not override, then its own. */
export function inheritParameters(shared = [], own = [], resolve = undefined) {
  const owned = new Set(own.map((p) => parameterKey(p, resolve)));
  return [...shared.filter((p) => !owned.has(parameterKey(p, resolve))), ...own];
}
