// Publish headers on a DLQ retry override the dead message's settings (docs: the
// document's DLQ retry routes: "You can pass all configuration headers to override the
// configuration of the original message"). The settings a message carries are
// overridden; flow control, deduplication and forwarded headers are refused by name,
// as the dev server does not implement overriding them.
import type { IncomingHttpHeaders } from "node:http";
import type { HostRule } from "./destination.js";
import type { Message } from "./message.js";
import { headerName, readPublishHeaders } from "./publish-headers.js";

export type Overrides = Partial<Pick<Message, OverriddenField>>;
type OverriddenField =
  | "method"
  | "retries"
  | "retryDelay"
  | "timeout"
  | "notBefore"
  | "callback"
  | "failureCallback"
  | "label"
  | "redact";

const REFUSED = /^upstash-(flow-control-|deduplication-id$|content-based-deduplication$|forward-)/;
const IGNORED = /^upstash-telemetry-/;

/** The overrides the request's headers give, or why they are refused (status and error). */
export function retryOverrides(
  headers: IncomingHttpHeaders,
  context: { allowed: readonly HostRule[]; deliveryTimeout: number },
  now = Date.now(),
): Overrides | { status: number; error: string } {
  const given = Object.keys(headers).filter((name) => name.startsWith("upstash-") && !IGNORED.test(name));
  const refused = given.find((name) => REFUSED.test(name));
  if (refused !== undefined) {
    return {
      status: 501,
      error: `${headerName(refused)}: the local QStash dev server does not override this on a DLQ retry; remove it`,
    };
  }
  if (given.length === 0) return {};
  const read = readPublishHeaders(headers, { ...context, now });
  if ("error" in read) return read;
  const has = (name: string) => given.includes(name);
  const startsWith = (prefix: string) => given.some((name) => name === prefix || name.startsWith(`${prefix}-`));
  return {
    ...(has("upstash-method") ? { method: read.method } : {}),
    ...(has("upstash-retries") ? { retries: read.retries } : {}),
    ...(has("upstash-retry-delay") ? { retryDelay: read.retryDelay } : {}),
    ...(has("upstash-timeout") ? { timeout: read.timeout } : {}),
    ...(has("upstash-delay") || has("upstash-not-before") ? { notBefore: read.notBefore } : {}),
    ...(startsWith("upstash-callback") ? { callback: read.callback } : {}),
    ...(startsWith("upstash-failure-callback") ? { failureCallback: read.failureCallback } : {}),
    ...(has("upstash-label") ? { label: read.label } : {}),
    ...(has("upstash-redact-fields") ? { redact: read.redact } : {}),
  };
}
