import { describe, expect, it } from "vitest";
import {
  base64urlDecodeString,
  base64urlEncode,
  base64urlEncodeString,
} from "../../worker/lib/crypto";
import {
  JwtError,
  MAX_TOKEN_LENGTH,
  signAccessToken,
  type VerifyOptions,
  verifyAccessToken,
} from "../../worker/lib/jwt";

const SECRET = "test-jwt-secret-0123456789abcdef0123456789";
const OTHER_SECRET = "another-secret-0123456789abcdef0123456789";
const ISSUER = "https://folio.test";
const AUDIENCE = "folio-api";
const T = Date.UTC(2026, 0, 15, 12, 0, 0); // fixed "now", in ms
const T_S = T / 1000;
const sign = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 900, now: T };
const verify = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, now: T };

/** Builds a token by hand so tests can sign whatever header and payload they like. */
async function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  opts: { secret?: string; hash?: "SHA-256" | "SHA-512"; signature?: string } = {},
): Promise<string> {
  const input = `${base64urlEncodeString(JSON.stringify(header))}.${base64urlEncodeString(
    JSON.stringify(payload),
  )}`;
  if (opts.signature !== undefined) return `${input}.${opts.signature}`;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(opts.secret ?? SECRET),
    { name: "HMAC", hash: opts.hash ?? "SHA-256" },
    false,
    ["sign"],
  );
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input));
  return `${input}.${base64urlEncode(new Uint8Array(sig))}`;
}

function goodPayload(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: "usr_1",
    iss: ISSUER,
    aud: AUDIENCE,
    iat: T_S,
    nbf: T_S,
    exp: T_S + 900,
    jti: "j1",
    ...extra,
  };
}

const HS256 = { alg: "HS256", typ: "JWT" };

/** The JwtError reason a verification fails with, or "ok". */
async function reasonOf(token: string, opts: Partial<VerifyOptions> = {}): Promise<string> {
  try {
    await verifyAccessToken(token, { ...verify, ...opts });
    return "ok";
  } catch (err) {
    if (!(err instanceof JwtError)) throw err;
    // Messages are generic: no token, no secret.
    expect(err.message).not.toContain(SECRET);
    for (const part of token.split("."))
      if (part.length > 8) expect(err.message).not.toContain(part);
    return err.reason;
  }
}

describe("signAccessToken / verifyAccessToken", () => {
  it("round-trips claims and sets the registered ones", async () => {
    const token = await signAccessToken(
      { sub: "usr_1", sid: "ses_1", scope: "posts:write", role: "editor" },
      sign,
    );
    const [h, p, s] = token.split(".");
    expect(JSON.parse(base64urlDecodeString(h!))).toEqual(HS256);
    expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const claims = await verifyAccessToken(token, verify);
    expect(claims).toMatchObject({
      sub: "usr_1",
      sid: "ses_1",
      scope: "posts:write",
      role: "editor",
      iss: ISSUER,
      aud: AUDIENCE,
      iat: T_S,
      nbf: T_S,
      exp: T_S + 900,
    });
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.parse(base64urlDecodeString(p!))).toEqual(claims);
  });

  it("gives every token its own jti", async () => {
    const a = await verifyAccessToken(await signAccessToken({ sub: "u" }, sign), verify);
    const b = await verifyAccessToken(await signAccessToken({ sub: "u" }, sign), verify);
    expect(a.jti).not.toBe(b.jti);
  });

  it("does not let caller claims override exp, iss, aud, iat, nbf or jti", async () => {
    const token = await signAccessToken(
      { sub: "u", exp: 99_999_999_999, iss: "evil", aud: "evil", iat: 0, nbf: 0, jti: "fixed" },
      sign,
    );
    const claims = await verifyAccessToken(token, verify);
    expect(claims.exp).toBe(T_S + 900);
    expect(claims.iss).toBe(ISSUER);
    expect(claims.aud).toBe(AUDIENCE);
    expect(claims.iat).toBe(T_S);
    expect(claims.jti).not.toBe("fixed");
  });

  it("refuses weak secrets and bad arguments at signing", async () => {
    await expect(signAccessToken({ sub: "u" }, { ...sign, secret: "short" })).rejects.toThrow(
      TypeError,
    );
    await expect(signAccessToken({ sub: "" }, sign)).rejects.toThrow(TypeError);
    await expect(signAccessToken({ sub: "u" }, { ...sign, ttlSeconds: 0 })).rejects.toThrow(
      TypeError,
    );
    await expect(verifyAccessToken("a.b.c", { ...verify, secret: "short" })).rejects.toThrow(
      TypeError,
    );
  });

  it("accepts a hand-built token with the same shape (and without typ)", async () => {
    expect(await reasonOf(await forge(HS256, goodPayload()))).toBe("ok");
    expect(await reasonOf(await forge({ alg: "HS256" }, goodPayload()))).toBe("ok");
    expect(await reasonOf(await forge({ alg: "HS256", kid: "k1" }, goodPayload()))).toBe("ok");
  });
});

describe("verifyAccessToken rejects", () => {
  it("a tampered payload", async () => {
    const token = await signAccessToken({ sub: "usr_1", scope: "read" }, sign);
    const [h, p, s] = token.split(".") as [string, string, string];
    const claims = JSON.parse(base64urlDecodeString(p));
    const forgedPayload = base64urlEncodeString(JSON.stringify({ ...claims, scope: "admin" }));
    expect(await reasonOf(`${h}.${forgedPayload}.${s}`)).toBe("signature");
    const otherUser = base64urlEncodeString(JSON.stringify({ ...claims, sub: "usr_2" }));
    expect(await reasonOf(`${h}.${otherUser}.${s}`)).toBe("signature");
  });

  it("a tampered signature", async () => {
    const token = await signAccessToken({ sub: "usr_1" }, sign);
    const [h, p, s] = token.split(".") as [string, string, string];
    const flipped = (s[0] === "A" ? "B" : "A") + s.slice(1);
    expect(await reasonOf(`${h}.${p}.${flipped}`)).toBe("signature");
    // Truncated or extended signatures are not 32 bytes.
    expect(await reasonOf(`${h}.${p}.${s.slice(0, 40)}`)).toBe("signature");
    expect(await reasonOf(`${h}.${p}.${s}AAAA`)).toBe("signature");
  });

  it("a signature spelled with non-canonical trailing bits", async () => {
    const token = await signAccessToken({ sub: "usr_1" }, sign);
    const [h, p, s] = token.split(".") as [string, string, string];
    // 43 chars carry 258 bits; the last 2 must be zero. Setting one yields the
    // same bytes from a different string, which must not verify.
    const last = s.at(-1)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const variant = alphabet[alphabet.indexOf(last) | 1]!;
    expect(await reasonOf(`${h}.${p}.${s.slice(0, -1)}${variant}`)).toBe("malformed");
  });

  it("a token signed with another secret", async () => {
    const token = await signAccessToken({ sub: "usr_1" }, { ...sign, secret: OTHER_SECRET });
    expect(await reasonOf(token)).toBe("signature");
    expect(await reasonOf(await forge(HS256, goodPayload(), { secret: OTHER_SECRET }))).toBe(
      "signature",
    );
  });

  it("alg none with an empty signature, in any spelling", async () => {
    for (const alg of ["none", "None", "NONE", "nOnE"]) {
      const token = await forge({ alg, typ: "JWT" }, goodPayload(), { signature: "" });
      expect(await reasonOf(token), alg).toBe("algorithm");
    }
  });

  it("alg none even when it carries a valid HS256 signature", async () => {
    expect(await reasonOf(await forge({ alg: "none", typ: "JWT" }, goodPayload()))).toBe(
      "algorithm",
    );
  });

  it("an HS256 header with an empty signature", async () => {
    expect(await reasonOf(await forge(HS256, goodPayload(), { signature: "" }))).toBe("signature");
  });

  it("HS512, RS256, ES256, hs256 and a missing alg", async () => {
    const hs512 = await forge({ alg: "HS512", typ: "JWT" }, goodPayload(), { hash: "SHA-512" });
    expect(await reasonOf(hs512)).toBe("algorithm");
    for (const header of [
      { alg: "RS256", typ: "JWT" },
      { alg: "ES256", typ: "JWT" },
      { alg: "hs256", typ: "JWT" },
      { alg: ["HS256"], typ: "JWT" },
      { typ: "JWT" },
    ]) {
      expect(await reasonOf(await forge(header, goodPayload())), JSON.stringify(header)).toBe(
        "algorithm",
      );
    }
  });

  it("crit and other header members that change processing", async () => {
    const headers = [
      { ...HS256, crit: ["exp"], exp: 1 },
      { ...HS256, crit: [] },
      { ...HS256, b64: false, crit: ["b64"] },
      { ...HS256, jku: "https://evil.example/keys" },
      { ...HS256, jwk: { kty: "oct", k: "AAAA" } },
      { ...HS256, typ: "at+jwt" },
      { ...HS256, typ: "jwt" },
    ];
    for (const header of headers) {
      expect(await reasonOf(await forge(header, goodPayload())), JSON.stringify(header)).toBe(
        "algorithm",
      );
    }
  });

  it("the wrong audience, including arrays without ours", async () => {
    const token = await signAccessToken({ sub: "u" }, { ...sign, audience: "other-api" });
    expect(await reasonOf(token)).toBe("audience");
    expect(await reasonOf(await forge(HS256, goodPayload({ aud: ["a", "b"] })))).toBe("audience");
    expect(await reasonOf(await forge(HS256, goodPayload({ aud: [] })))).toBe("audience");
    expect(await reasonOf(await forge(HS256, goodPayload({ aud: undefined })))).toBe("audience");
    expect(await reasonOf(await forge(HS256, goodPayload({ aud: `${AUDIENCE} ` })))).toBe(
      "audience",
    );
    // An array that does contain our audience is fine.
    expect(await reasonOf(await forge(HS256, goodPayload({ aud: ["x", AUDIENCE] })))).toBe("ok");
  });

  it("the wrong issuer", async () => {
    const token = await signAccessToken({ sub: "u" }, { ...sign, issuer: "https://evil.test" });
    expect(await reasonOf(token)).toBe("issuer");
    expect(await reasonOf(await forge(HS256, goodPayload({ iss: undefined })))).toBe("issuer");
  });

  it("expired tokens, with 30 seconds of default skew", async () => {
    const token = await signAccessToken({ sub: "u" }, sign); // exp = T + 900 s
    expect(await reasonOf(token, { now: T + 899_000 })).toBe("ok");
    expect(await reasonOf(token, { now: T + 929_000 })).toBe("ok");
    expect(await reasonOf(token, { now: T + 930_000 })).toBe("expired");
    expect(await reasonOf(token, { now: T + 86_400_000 })).toBe("expired");
    expect(await reasonOf(token, { now: T + 900_000, clockSkewSeconds: 0 })).toBe("expired");
  });

  it("tokens not valid yet (nbf or iat in the future)", async () => {
    const future = await forge(HS256, goodPayload({ nbf: T_S + 3600, exp: T_S + 7200 }));
    expect(await reasonOf(future)).toBe("not_yet_valid");
    expect(await reasonOf(future, { now: T + 3600_000 })).toBe("ok");
    // Issued by a clock two minutes ahead of ours: outside the skew.
    const ahead = await signAccessToken({ sub: "u" }, { ...sign, now: T + 120_000 });
    expect(await reasonOf(ahead)).toBe("not_yet_valid");
    // Ten seconds ahead: inside the skew.
    const slightly = await signAccessToken({ sub: "u" }, { ...sign, now: T + 10_000 });
    expect(await reasonOf(slightly)).toBe("ok");
  });

  it("tokens missing required claims or with mistyped ones", async () => {
    const cases: Record<string, unknown>[] = [
      { exp: undefined },
      { exp: "9999999999" },
      { nbf: undefined },
      { iat: undefined },
      { sub: undefined },
      { sub: "" },
      { sub: 42 },
      { jti: undefined },
      { scope: ["admin"] },
      { sid: 1 },
    ];
    for (const extra of cases) {
      expect(await reasonOf(await forge(HS256, goodPayload(extra))), JSON.stringify(extra)).toBe(
        "malformed",
      );
    }
  });

  it("the wrong number of segments", async () => {
    const token = await signAccessToken({ sub: "u" }, sign);
    const [h, p, s] = token.split(".") as [string, string, string];
    expect(await reasonOf(`${h}.${p}`)).toBe("malformed");
    expect(await reasonOf(`${h}.${p}.${s}.${s}`)).toBe("malformed");
    expect(await reasonOf(`${token}.`)).toBe("malformed");
    expect(await reasonOf("")).toBe("malformed");
    expect(await reasonOf("..")).toBe("malformed");
    expect(await reasonOf(h)).toBe("malformed");
  });

  it("bad base64url, non-JSON and non-object segments", async () => {
    const token = await signAccessToken({ sub: "u" }, sign);
    const [h, p, s] = token.split(".") as [string, string, string];
    expect(await reasonOf(`${h}=.${p}.${s}`)).toBe("malformed");
    expect(await reasonOf(`e!${h.slice(2)}.${p}.${s}`)).toBe("malformed");
    expect(await reasonOf(`${h}.${p}.${s}=`)).toBe("malformed");
    expect(await reasonOf(`${h}.${p}.${s.replace(/.$/, "+")}`)).toBe("malformed");
    expect(await reasonOf(`${base64urlEncodeString("not json")}.${p}.${s}`)).toBe("malformed");
    expect(await reasonOf(`${base64urlEncodeString('["HS256"]')}.${p}.${s}`)).toBe("malformed");
    expect(await reasonOf(`${base64urlEncodeString("null")}.${p}.${s}`)).toBe("malformed");
    // Correctly signed, but the payload is not a JSON object.
    const signedJunk = await forge(HS256, goodPayload());
    const [fh] = signedJunk.split(".");
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(SECRET),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    for (const body of ["not json", "[1,2]", '"sub"', "42"]) {
      const input = `${fh}.${base64urlEncodeString(body)}`;
      const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input));
      expect(await reasonOf(`${input}.${base64urlEncode(new Uint8Array(sig))}`), body).toBe(
        "malformed",
      );
    }
  });

  it("tokens over 4 KB, even when validly signed", async () => {
    const big = await signAccessToken({ sub: "u", pad: "x".repeat(3000) }, sign);
    expect(big.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
    expect(await reasonOf(big)).toBe("malformed");
    const fits = await signAccessToken({ sub: "u", pad: "x".repeat(2000) }, sign);
    expect(fits.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
    expect(await reasonOf(fits)).toBe("ok");
  });

  it("with a JwtError that is an Error and names only the reason", async () => {
    const err = await verifyAccessToken("nope", verify).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JwtError);
    expect(err).toBeInstanceOf(Error);
    expect((err as JwtError).name).toBe("JwtError");
    expect((err as JwtError).reason).toBe("malformed");
    expect((err as JwtError).message).not.toContain("nope");
  });
});
