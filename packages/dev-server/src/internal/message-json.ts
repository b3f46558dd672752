// A held message as the API shows it: the document's `Message` and `DLQMessage` schemas
// (openapi/qstash.yaml), plus the `dlqId` upstream's DLQ message page documents as
// required (docs: _snippets/qstash-dlq-message-type.mdx). Redacted fields show as
// `REDACTED:<SHA256>`, as QStash shows them in its API (docs: howto/redact-fields).
import { createHash } from "node:crypto";
import type { DeadMessage } from "./dead-letters.js";
import { labelsOf } from "./filters.js";
import type { Message } from "./message.js";
import { headerLists } from "./publish-headers.js";

/** QStash does not say how it writes the hash; hex is assumed. */
const redacted = (value: string | Buffer) => `REDACTED:${createHash("sha256").update(value).digest("hex")}`;

/** What `Upstash-Redact-Fields` hides: the body, every header, or the named headers. */
function redaction(message: Message): { body: boolean; allHeaders: boolean; headers: Set<string> } {
  const parts = (message.redact ?? "").split(",").map((part) => part.trim());
  const named = parts.flatMap((part) => /^header\[(.+)\]$/.exec(part)?.[1]?.toLowerCase() ?? []);
  return {
    body: parts.includes("body"),
    allHeaders: parts.includes("headers") || parts.includes("header"),
    headers: new Set(named),
  };
}

/** `body` when the bytes are UTF-8, else `bodyBase64`: the document's two fields. */
function bodyFields(body: Buffer, names: [string, string]): Record<string, string> {
  const text = body.toString("utf8");
  return Buffer.from(text, "utf8").equals(body) ? { [names[0]]: text } : { [names[1]]: body.toString("base64") };
}

/** The document's `Message`: what `GET /v2/messages/{messageId}` answers. */
export function messageJson(message: Message): Record<string, unknown> {
  const hide = redaction(message);
  const labels = labelsOf(message);
  const flow = message.flow ?? {};
  return {
    messageId: message.id,
    url: message.destination.href,
    method: message.method,
    header: headerLists(message.headers, (name, values) =>
      hide.allHeaders || hide.headers.has(name) ? values.map((item) => redacted(item)) : values,
    ),
    ...(hide.body ? { body: redacted(message.body) } : bodyFields(message.body, ["body", "bodyBase64"])),
    maxRetries: message.retries,
    notBefore: message.notBefore,
    createdAt: message.createdAt,
    ...(message.callback ? { callback: message.callback.url.href } : {}),
    ...(message.failureCallback ? { failureCallback: message.failureCallback.url.href } : {}),
    callerIP: message.callerIp,
    ...(message.label === undefined ? {} : { label: message.label, labels }),
    ...(message.key === undefined ? {} : { flowControlKey: message.key }),
    ...(flow.rate === undefined ? {} : { rate: flow.rate }),
    ...(flow.period === undefined ? {} : { period: flow.period }),
    ...(flow.parallelism === undefined ? {} : { parallelism: flow.parallelism }),
  };
}

/** The document's `DLQMessage` with its `dlqId`: the message, and the last answer it got (none after a timeout). */
export function deadMessageJson(dead: DeadMessage): Record<string, unknown> {
  const { last } = dead;
  const answer =
    "status" in last
      ? {
          responseStatus: last.status,
          responseHeader: headerLists(last.headers),
          ...bodyFields(last.body, ["responseBody", "responseBodyBase64"]),
        }
      : {};
  return { ...messageJson(dead.message), dlqId: dead.dlqId, ...answer };
}
