import { Receiver } from "@upstash/qstash";
import { describe, expect, test } from "vitest";
import { DEFAULT_CURRENT_SIGNING_KEY, DEFAULT_NEXT_SIGNING_KEY } from "../defaults.ts";
import { signDelivery } from "./signature.ts";

// The official SDK's Receiver is the judge: it verifies with jose, not with our code.
const receiver = new Receiver({
  currentSigningKey: DEFAULT_CURRENT_SIGNING_KEY,
  nextSigningKey: DEFAULT_NEXT_SIGNING_KEY,
  devMode: false,
});
const URL_ = "http://127.0.0.1:3000/hook?x=1";
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1] as string, "base64url").toString("utf8"));

describe("signDelivery", () => {
  test("the official Receiver accepts it for the body and URL it was made for", async () => {
    const body = Buffer.from('{"orderId":1,"note":"ünïcode"}');
    const signature = signDelivery(DEFAULT_CURRENT_SIGNING_KEY, URL_, body);
    await expect(receiver.verify({ signature, body: body.toString("utf8"), url: URL_ })).resolves.toBe(true);
    await expect(receiver.verify({ signature, body: "", url: URL_ })).rejects.toThrow(/body hash does not match/);
    await expect(receiver.verify({ signature, body: body.toString("utf8"), url: `${URL_}&y=2` })).rejects.toThrow(
      /invalid subject/,
    );
  });

  test("an empty body signs too", async () => {
    const signature = signDelivery(DEFAULT_CURRENT_SIGNING_KEY, URL_, Buffer.alloc(0));
    await expect(receiver.verify({ signature, body: "", url: URL_ })).resolves.toBe(true);
  });

  test("the documented claims: iss, sub, iat = nbf, exp five minutes on, a fresh jti, the body's SHA-256", () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const body = Buffer.from("hello");
    const first = signDelivery("k", URL_, body, now);
    const seconds = Math.floor(now / 1000);
    expect(JSON.parse(Buffer.from(first.split(".")[0] as string, "base64url").toString())).toEqual({
      alg: "HS256",
      typ: "JWT",
    });
    expect(claims(first)).toEqual({
      iss: "Upstash",
      sub: URL_,
      iat: seconds,
      nbf: seconds,
      exp: seconds + 300,
      jti: expect.stringMatching(/^jwt_[0-9a-f]{32}$/),
      // sha256("hello"), base64url without padding
      body: "LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ",
    });
    expect(claims(signDelivery("k", URL_, body, now)).jti).not.toBe(claims(first).jti);
  });

  test("another key, or an expired signature, is refused", async () => {
    const body = "x";
    const other = signDelivery("sig_someoneElse", URL_, Buffer.from(body));
    await expect(receiver.verify({ signature: other, body, url: URL_ })).rejects.toThrow();
    const old = signDelivery(DEFAULT_CURRENT_SIGNING_KEY, URL_, Buffer.from(body), Date.now() - 10 * 60_000);
    // Both keys the same, so the error is the first key's, not the fallback's.
    const one = new Receiver({
      currentSigningKey: DEFAULT_CURRENT_SIGNING_KEY,
      nextSigningKey: DEFAULT_CURRENT_SIGNING_KEY,
      devMode: false,
    });
    await expect(one.verify({ signature: old, body, url: URL_ })).rejects.toThrow(/"exp"/);
  });
});
