// Building the URL: the one place that serialises a query and adds the token's query.
// Path parameters go through `safePathSerializer` (key.ts), the one key encoder.
import { ValidationError } from "../errors.js";
import { safePathSerializer } from "../key.js";
import { isObject } from "./checks.js";

/**
 * `name=value&...` for a query whose values are strings, finite numbers or booleans, or
 * arrays of them (each sent as `name=item`, the form upstream's multi-value filters take),
 * undefined ones left out; `""` when none are left; throws `ValidationError` for others,
 * and for an empty list: no filter at all would make a bulk action act on everything.
 */
export function searchOf(query?: unknown): string {
  if (query === undefined) return "";
  if (!isObject(query)) throw new ValidationError("query must be an object");
  const pairs: string[][] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const items: unknown[] = Array.isArray(value) ? value : [value];
    const valid = (item: unknown) => typeof item === "string" || typeof item === "boolean" || Number.isFinite(item);
    if (!(items.length && items.every(valid))) {
      throw new ValidationError(
        `query parameter ${name} must be a string, a finite number or a boolean, or a non-empty list of them`,
      );
    }
    for (const item of items) pairs.push([name, String(item)]);
  }
  return `${new URLSearchParams(pairs)}`;
}

/** `url` with `search` (already serialised) appended to whatever query it has. */
export function withSearch(url: string, search: string): string {
  return search ? `${url}${url.includes("?") ? "&" : "?"}${search}` : url;
}

/** The URL of one call: base URL, the path with its parameters encoded, the query. */
export function urlOf(baseUrl: string, path: string, params: { path?: unknown; query?: unknown }): string {
  const pathParams = (params.path ?? {}) as Record<string, unknown>;
  return withSearch(baseUrl + safePathSerializer(path, pathParams), searchOf(params.query));
}
