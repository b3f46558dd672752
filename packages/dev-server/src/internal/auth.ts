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

/**
 * The `qstash_token` query parameter, or the reason it is refused: given twice, neither
 * value can be taken as the one meant, so the request is 400 like any repeated parameter.
 */
export function queryToken(query: URLSearchParams): string | undefined | { error: string } {
  const tokens = query.getAll("qstash_token");
  if (tokens.length > 1) return { error: "the query parameter qstash_token is given twice" };
  return tokens[0];
}
