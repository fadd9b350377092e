/**
 * Small WebCrypto helpers shared by sessions, tokens and passwords. Pure: no
 * bindings, no Node APIs, so they run the same in workerd, tests and browsers.
 */

const encoder = new TextEncoder();
// fatal: a token that decodes to invalid UTF-8 is malformed, not "close enough".
const decoder = new TextDecoder("utf-8", { fatal: true });

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64URL_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64URL.length; i++) B64URL_INDEX[B64URL.charCodeAt(i)] = i;

/** Thrown by the decoders on any input that is not canonical unpadded base64url. */
export class Base64UrlError extends Error {
  constructor() {
    super("Invalid base64url");
    this.name = "Base64UrlError";
  }
}

/** Unpadded base64url (RFC 4648 §5). */
export function base64urlEncode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * Strict decoder: rejects padding, the `+/` alphabet, whitespace, impossible
 * lengths and non-zero trailing bits. Canonical-only matters for tokens: two
 * different strings must never decode to the same signature.
 */
export function base64urlDecode(input: string): Uint8Array<ArrayBuffer> {
  const len = input.length;
  if (len % 4 === 1) throw new Base64UrlError();
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const c = input.charCodeAt(i);
    const v = c < 128 ? B64URL_INDEX[c]! : -1;
    if (v < 0) throw new Base64UrlError();
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new Base64UrlError();
  return out;
}

export function base64urlEncodeString(text: string): string {
  return base64urlEncode(encoder.encode(text));
}

/** Throws `Base64UrlError` on bad base64url and `TypeError` on invalid UTF-8. */
export function base64urlDecodeString(input: string): string {
  return decoder.decode(base64urlDecode(input));
}

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** `bytes` of CSPRNG output as unpadded base64url (32 bytes = 256 bits = 43 chars). */
export function randomToken(bytes = 32): string {
  // getRandomValues refuses more than 65,536 bytes; fewer than 1 is a caller bug.
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 65_536) {
    throw new RangeError("randomToken: bytes must be an integer from 1 to 65536");
  }
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function sha256Hex(input: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(input))));
}

// Imported HMAC keys by secret. Secrets are few (JWT secret, pepper, a rotation
// or two), so a tiny bound is plenty; it only guards against a caller passing
// per-request keys and growing the map forever.
const HMAC_KEY_CACHE_MAX = 16;
const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** An HMAC-SHA256 key for `secret`, imported once per isolate. */
export function hmacSha256Key(secret: string): Promise<CryptoKey> {
  const cached = hmacKeys.get(secret);
  if (cached) return cached;
  // Cache the promise, not the key, so concurrent first calls share one import.
  const imported = crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  if (hmacKeys.size >= HMAC_KEY_CACHE_MAX) {
    const oldest = hmacKeys.keys().next();
    if (!oldest.done) hmacKeys.delete(oldest.value);
  }
  hmacKeys.set(secret, imported);
  imported.catch(() => {
    if (hmacKeys.get(secret) === imported) hmacKeys.delete(secret);
  });
  return imported;
}

export async function hmacSha256(
  key: string,
  input: string | Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const data = typeof input === "string" ? encoder.encode(input) : input;
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacSha256Key(key), data));
}

export async function hmacSha256Hex(key: string, input: string): Promise<string> {
  return toHex(await hmacSha256(key, input));
}

/**
 * Compares UTF-16 code units without an early exit. Runs over the longer input
 * so the time depends on lengths only, never on where the first difference is.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const len = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < len; i++) {
    // charCodeAt past the end is NaN; `| 0` makes it 0 without a branch.
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}

/** Byte version of `timingSafeEqual`, for digests and derived keys. */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  const len = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < len; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

// Monotonic state for uuidv7 in this isolate. Deployed Workers freeze Date.now()
// while code runs (it only advances on I/O), so many ids share one ms; the
// 12-bit rand_a field becomes a counter (RFC 9562 §6.2, method 1) to keep
// them sorted in creation order.
let lastMs = -1;
let seq = 0;

/**
 * RFC 9562 UUIDv7: 48-bit Unix ms timestamp, version 7, 12-bit sequence,
 * variant 10, 62 random bits. Lower-case, sortable by creation time.
 */
export function uuidv7(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    // Random start with the top bit clear leaves at least 2,048 ids of headroom.
    seq = crypto.getRandomValues(new Uint16Array(1))[0]! & 0x7ff;
  } else {
    // Same (or a backwards) clock: continue after the last id.
    ms = lastMs;
    seq++;
    if (seq > 0xfff) {
      // Counter exhausted: borrow the next millisecond rather than repeat.
      ms = ++lastMs;
      seq = 0;
    }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  // 48-bit timestamp, big-endian. Division, not shifts: shifts truncate to 32 bits.
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
