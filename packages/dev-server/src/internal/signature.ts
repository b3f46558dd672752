// `Upstash-Signature`: the JWT QStash puts on every delivery so receivers can tell its
// requests from anyone else's. HS256 over the claims upstream documents, made with
// Node's crypto, so the official SDK's `Receiver` verifies it with the same keys.
import { createHash, createHmac, randomUUID } from "node:crypto";

const JOSE_HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
/** How long a signature is valid after it is made, as upstream's: five minutes. */
const LIFETIME_SECONDS = 300;

/** The signature for delivering `body` to `destination` now, signed with `key`. */
export function signDelivery(key: string, destination: string, body: Buffer, now = Date.now()): string {
  const seconds = Math.floor(now / 1000);
  const claims = {
    iss: "Upstash",
    sub: destination,
    exp: seconds + LIFETIME_SECONDS,
    nbf: seconds,
    iat: seconds,
    jti: `jwt_${randomUUID().replaceAll("-", "")}`,
    body: createHash("sha256").update(body).digest("base64url"),
  };
  const signed = `${JOSE_HEADER}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${signed}.${createHmac("sha256", key).update(signed).digest("base64url")}`;
}
