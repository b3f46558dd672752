// Calls to the dev server's Messages and DLQ routes, each exchange checked against the
// document that describes it (the merged surface, else upstream's QStash document).
import { expect } from "vitest";
import type { DevServer } from "../src/index.ts";
import { checkerOf, type Exchange } from "./spec.ts";

export interface ApiAnswer {
  status: number;
  body: any;
}

/** Every exchange of `call`, for a test to check at its end. */
export const exchanges: Exchange[] = [];

/**
 * Problems found in the exchanges so far, against their documents. A refused request
 * (4xx/5xx) was made wrong on purpose, so only its answer is checked: the declared
 * response where the document declares the status, else the document's `Error`, as
 * upstream's documents declare few of the errors QStash answers.
 */
export function specProblems(): string[] {
  return exchanges.flatMap((exchange) => {
    const checker = checkerOf(exchange);
    if (exchange.status < 400) return [...checker.requestProblems(exchange), ...checker.responseProblems(exchange)];
    const declared = checker.operationOf(exchange)?.responses[String(exchange.status)];
    if (declared) return checker.responseProblems(exchange);
    const body = JSON.parse(exchange.body);
    const isError = typeof body?.error === "string" && Object.keys(body).length === 1;
    return isError
      ? []
      : [`${exchange.method} ${exchange.url.pathname} ${exchange.status}: not {error} but ${exchange.body}`];
  });
}

/** Asserts that every exchange so far is what its document declares, then forgets them. */
export function expectSpecCompliant(): void {
  const problems = specProblems();
  exchanges.length = 0;
  expect(problems).toEqual([]);
}

/** `query` values that are arrays are sent as repeated parameters. */
export async function call(
  server: DevServer,
  method: string,
  path: string,
  query: Record<string, string | number | Array<string | number>> = {},
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const url = new URL(path, server.url);
  for (const [name, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(one));
  }
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${server.token}`, ...headers } });
  const text = await response.text();
  exchanges.push({
    method,
    url,
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: text,
  });
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

/** `path` with one segment percent-encoded, so an id cannot change the route. */
export const withId = (prefix: string, id: string) => `${prefix}/${encodeURIComponent(id)}`;
