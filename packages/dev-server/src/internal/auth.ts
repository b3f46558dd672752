import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Whether the request carries the token, as `Authorization: Bearer <token>` or as
 * `qstash_token` in the query. Compared through digests so the time taken does not
 * reveal how much of a guess was right.
 */
export function isAuthorized(req: IncomingMessage, queryToken: string | undefined, token: string): boolean {
  const expected = digest(token);
  const header = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
  return [header, queryToken].some((given) => given !== undefined && timingSafeEqual(digest(given), expected));
}
