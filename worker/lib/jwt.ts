/**
 * HS256 JWTs for API access tokens (RFC 7519 / RFC 7515), on WebCrypto only.
 * Deliberately narrow: one algorithm, one header shape, our own issuer. Anything
 * else is rejected rather than interpreted.
 */
import {
  base64urlDecode,
  base64urlDecodeString,
  base64urlEncode,
  base64urlEncodeString,
  hmacSha256Key,
  randomToken,
  utf8,
} from "./crypto";

export type JwtErrorReason =
  | "malformed"
  | "algorithm"
  | "signature"
  | "expired"
  | "not_yet_valid"
  | "issuer"
  | "audience";

const MESSAGES: Record<JwtErrorReason, string> = {
  malformed: "Token is malformed",
  algorithm: "Token header is not accepted",
  signature: "Token signature is invalid",
  expired: "Token has expired",
  not_yet_valid: "Token is not yet valid",
  issuer: "Token issuer is not accepted",
  audience: "Token audience is not accepted",
};

/** Messages are fixed per reason: never the token, a claim value or the secret. */
export class JwtError extends Error {
  readonly reason: JwtErrorReason;
  constructor(reason: JwtErrorReason) {
    super(MESSAGES[reason]);
    this.name = "JwtError";
    this.reason = reason;
  }
}

export interface AccessClaims {
  sub: string;
  sid?: string;
  scope?: string;
  iss: string;
  aud: string | string[];
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  [claim: string]: unknown;
}

export interface SignOptions {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** Milliseconds since the epoch, as `Date.now()` returns (the default). */
  now?: number;
}

export interface VerifyOptions {
  secret: string;
  issuer: string;
  audience: string;
  /** Milliseconds since the epoch, as `Date.now()` returns (the default). */
  now?: number;
  /** Tolerance for clock drift on exp/nbf/iat; default 30. */
  clockSkewSeconds?: number;
}

/** Larger inputs are refused before any decoding or crypto work. */
export const MAX_TOKEN_LENGTH = 4096;

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash (256 bits).
const MIN_SECRET_LENGTH = 32;
const HEADER = base64urlEncodeString(JSON.stringify({ alg: "HS256", typ: "JWT" }));
// Header members we accept. `kid` is tolerated (and ignored) so a key rotation can
// add it later; anything else (crit, jku, jwk, x5u, b64, ...) asks us to behave
// differently, which we refuse.
const ALLOWED_HEADER_KEYS = new Set(["alg", "typ", "kid"]);
// Set by signAccessToken itself; a caller's claims cannot override them.
const RESERVED = ["iss", "aud", "iat", "nbf", "exp", "jti"] as const;

function checkSecret(secret: string): void {
  // A configuration error, not a token error: fail loudly instead of signing weakly.
  if (typeof secret !== "string" || utf8(secret).length < MIN_SECRET_LENGTH) {
    throw new TypeError(`JWT secret must be at least ${MIN_SECRET_LENGTH} bytes`);
  }
}

export async function signAccessToken(
  claims: { sub: string; sid?: string; scope?: string; [k: string]: unknown },
  opts: SignOptions,
): Promise<string> {
  checkSecret(opts.secret);
  if (typeof claims.sub !== "string" || claims.sub === "") {
    throw new TypeError("signAccessToken: sub must be a non-empty string");
  }
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds <= 0) {
    throw new TypeError("signAccessToken: ttlSeconds must be a positive integer");
  }
  const iat = Math.floor((opts.now ?? Date.now()) / 1000);
  const body: Record<string, unknown> = { ...claims };
  for (const key of RESERVED) delete body[key];
  const payload: AccessClaims = {
    ...body,
    sub: claims.sub,
    iss: opts.issuer,
    aud: opts.audience,
    iat,
    nbf: iat,
    exp: iat + opts.ttlSeconds,
    jti: randomToken(16),
  };
  const signingInput = `${HEADER}.${base64urlEncodeString(JSON.stringify(payload))}`;
  const key = await hmacSha256Key(opts.secret);
  const signature = await crypto.subtle.sign("HMAC", key, utf8(signingInput));
  return `${signingInput}.${base64urlEncode(new Uint8Array(signature))}`;
}

function decodeJsonObject(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(base64urlDecodeString(segment));
  } catch {
    throw new JwtError("malformed");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new JwtError("malformed");
  }
  return value as Record<string, unknown>;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/**
 * Checks the header, then the signature, and only then parses the payload, so
 * nothing in an unauthenticated payload is interpreted. Throws `JwtError`.
 */
export async function verifyAccessToken(token: string, opts: VerifyOptions): Promise<AccessClaims> {
  checkSecret(opts.secret);
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) {
    throw new JwtError("malformed");
  }
  const parts = token.split(".");
  if (parts.length !== 3) throw new JwtError("malformed");
  const [headerB64, payloadB64, signatureB64] = parts as [string, string, string];

  const header = decodeJsonObject(headerB64);
  if (header.alg !== "HS256") throw new JwtError("algorithm");
  if ("typ" in header && header.typ !== "JWT") throw new JwtError("algorithm");
  for (const key of Object.keys(header)) {
    if (!ALLOWED_HEADER_KEYS.has(key)) throw new JwtError("algorithm");
  }

  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = base64urlDecode(signatureB64);
  } catch {
    throw new JwtError("malformed");
  }
  // HS256 signatures are exactly 32 bytes; an empty one (alg:none style) ends here.
  if (signature.length !== 32) throw new JwtError("signature");
  const key = await hmacSha256Key(opts.secret);
  // subtle.verify compares in constant time, unlike comparing re-signed strings.
  const valid = await crypto.subtle.verify(
    "HMAC",
    key,
    signature,
    utf8(`${headerB64}.${payloadB64}`),
  );
  if (!valid) throw new JwtError("signature");

  const claims = decodeJsonObject(payloadB64);
  const skew = opts.clockSkewSeconds ?? 30;
  const now = (opts.now ?? Date.now()) / 1000;
  // All three time claims are required: we always issue them, and a token that
  // never expires is not an access token.
  const { exp, nbf, iat } = claims;
  if (!isNumericDate(exp) || !isNumericDate(nbf) || !isNumericDate(iat)) {
    throw new JwtError("malformed");
  }
  if (now - skew >= exp) throw new JwtError("expired");
  if (now + skew < nbf || now + skew < iat) throw new JwtError("not_yet_valid");
  if (claims.iss !== opts.issuer) throw new JwtError("issuer");
  const aud = claims.aud;
  const audienceOk =
    aud === opts.audience || (Array.isArray(aud) && aud.some((a) => a === opts.audience));
  if (!audienceOk) throw new JwtError("audience");
  if (typeof claims.sub !== "string" || claims.sub === "") throw new JwtError("malformed");
  if (typeof claims.jti !== "string") throw new JwtError("malformed");
  for (const name of ["sid", "scope"] as const) {
    if (name in claims && typeof claims[name] !== "string") throw new JwtError("malformed");
  }
  return claims as AccessClaims;
}
