// Publish deduplication as QStash documents it (docs: qstash/features/deduplication):
// a publish whose `Upstash-Deduplication-Id`, or whose content with
// `Upstash-Content-Based-Deduplication: true`, was seen in the last 10 minutes is
// answered with the first message's id and not enqueued.
import { createHash } from "node:crypto";

/** QStash's deduplication window (its API reference: "published in the last 10 minutes"). */
export const DEDUP_WINDOW_MS = 10 * 60_000;

/**
 * The id content-based deduplication uses: what QStash says it hashes, the destination,
 * the body, `Content-Type` and the forwarded headers.
 */
export function contentId(destination: string, headers: Record<string, string>, body: Buffer): string {
  const hash = createHash("sha256");
  hash.update(`${destination}\n`);
  for (const name of Object.keys(headers).sort()) hash.update(`${name}: ${headers[name]}\n`);
  hash.update("\n");
  hash.update(body);
  return hash.digest("base64url");
}

export class Deduplicator {
  // Insertion order is expiry order, as every entry lives the same window.
  readonly #seen = new Map<string, { messageId: string; expires: number }>();

  /** The message id first published under `id`, if within the window. */
  find(id: string, now = Date.now()): string | undefined {
    this.#expire(now);
    return this.#seen.get(id)?.messageId;
  }

  remember(id: string, messageId: string, now = Date.now()): void {
    this.#seen.set(id, { messageId, expires: now + DEDUP_WINDOW_MS });
  }

  #expire(now: number): void {
    for (const [id, entry] of this.#seen) {
      if (entry.expires > now) return;
      this.#seen.delete(id);
    }
  }
}
