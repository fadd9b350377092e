import { Buffer } from "node:buffer";
import { describe, expect, it, vi } from "vitest";
import {
  Base64UrlError,
  base64urlDecode,
  base64urlDecodeString,
  base64urlEncode,
  base64urlEncodeString,
  hmacSha256Hex,
  randomToken,
  sha256Hex,
  timingSafeEqual,
  timingSafeEqualBytes,
  uuidv7,
} from "../../worker/lib/crypto";

const B64URL_RE = /^[A-Za-z0-9_-]*$/;

describe("randomToken", () => {
  it("is 32 random bytes as unpadded base64url by default", () => {
    const token = randomToken();
    expect(token).toHaveLength(43);
    expect(token).toMatch(B64URL_RE);
    expect(base64urlDecode(token)).toHaveLength(32);
  });

  it("honours the byte count and never repeats", () => {
    expect(randomToken(16)).toHaveLength(22);
    expect(randomToken(1)).toHaveLength(2);
    const seen = new Set(Array.from({ length: 1000 }, () => randomToken()));
    expect(seen.size).toBe(1000);
  });

  it("rejects impossible sizes", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 65_537]) {
      expect(() => randomToken(bad)).toThrow(RangeError);
    }
  });
});

describe("base64url", () => {
  // RFC 4648 §10 vectors, without padding.
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "Zg"],
    ["fo", "Zm8"],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg"],
    ["fooba", "Zm9vYmE"],
    ["foobar", "Zm9vYmFy"],
  ];

  it("matches the RFC 4648 vectors both ways", () => {
    for (const [plain, encoded] of vectors) {
      expect(base64urlEncodeString(plain)).toBe(encoded);
      expect(base64urlDecodeString(encoded)).toBe(plain);
    }
  });

  it("agrees with Buffer for every length and uses the URL alphabet", () => {
    for (let len = 0; len <= 70; len++) {
      const bytes = crypto.getRandomValues(new Uint8Array(len));
      const encoded = base64urlEncode(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString("base64url"));
      expect(base64urlDecode(encoded)).toEqual(bytes);
    }
    expect(base64urlEncode(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("-_-_");
  });

  it("round-trips non-ASCII strings as UTF-8", () => {
    const text = "Café ☕ 𝄞 日本語";
    expect(base64urlDecodeString(base64urlEncodeString(text))).toBe(text);
  });

  it("rejects padding, the standard alphabet, bad lengths and stray characters", () => {
    for (const bad of ["Zg==", "Zm8=", "Z", "Zm9vY", "+/+/", "Zm 9v", "Zm9v\n", "Zé", "Zm9v."]) {
      expect(() => base64urlDecode(bad), bad).toThrow(Base64UrlError);
    }
  });

  it("rejects non-canonical trailing bits (two strings, one value)", () => {
    expect(base64urlDecodeString("Zg")).toBe("f");
    expect(() => base64urlDecode("Zh")).toThrow(Base64UrlError);
    expect(() => base64urlDecode("Zm9")).toThrow(Base64UrlError);
  });

  it("rejects invalid UTF-8 when decoding to a string", () => {
    expect(() => base64urlDecodeString(base64urlEncode(new Uint8Array([0xff, 0xfe])))).toThrow();
  });
});

describe("sha256Hex", () => {
  it("matches known digests", async () => {
    expect(await sha256Hex("")).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(await sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});

describe("hmacSha256Hex", () => {
  it("matches RFC 4231 test case 2", async () => {
    expect(await hmacSha256Hex("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("imports each key once, even for concurrent first calls", async () => {
    const spy = vi.spyOn(crypto.subtle, "importKey");
    try {
      const key = `cache-test-${randomToken(8)}`;
      const results = await Promise.all([
        hmacSha256Hex(key, "a"),
        hmacSha256Hex(key, "a"),
        hmacSha256Hex(key, "b"),
      ]);
      await hmacSha256Hex(key, "c");
      expect(results[0]).toBe(results[1]);
      expect(results[0]).not.toBe(results[2]);
      expect(spy).toHaveBeenCalledTimes(1);
      // A different key is a different HMAC.
      expect(await hmacSha256Hex(`${key}x`, "a")).not.toBe(results[0]);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("timingSafeEqual", () => {
  it("compares strings exactly", () => {
    expect(timingSafeEqual("", "")).toBe(true);
    expect(timingSafeEqual("secret", "secret")).toBe(true);
    expect(timingSafeEqual("secret", "secreT")).toBe(false);
    expect(timingSafeEqual("secret", "secret2")).toBe(false);
    expect(timingSafeEqual("secret2", "secret")).toBe(false);
    expect(timingSafeEqual("", "a")).toBe(false);
    // A NUL past the end must not look like "nothing there".
    expect(timingSafeEqual("a", "a\0")).toBe(false);
    expect(timingSafeEqual("é", "e\u0301")).toBe(false);
  });

  it("compares bytes exactly", () => {
    const a = new Uint8Array([1, 2, 3]);
    expect(timingSafeEqualBytes(a, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(timingSafeEqualBytes(a, new Uint8Array([1, 2, 4]))).toBe(false);
    expect(timingSafeEqualBytes(a, new Uint8Array([1, 2, 3, 0]))).toBe(false);
    expect(timingSafeEqualBytes(new Uint8Array(), new Uint8Array())).toBe(true);
  });
});

describe("uuidv7", () => {
  const UUID_V7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it("is a lower-case RFC 9562 version 7, variant 10 UUID", () => {
    for (let i = 0; i < 100; i++) expect(uuidv7()).toMatch(UUID_V7_RE);
  });

  it("carries the current Unix time in milliseconds", () => {
    const before = Date.now();
    const id = uuidv7();
    const ms = Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    // Allows for the counter borrowing milliseconds after earlier bursts.
    expect(ms).toBeLessThan(Date.now() + 1000);
  });

  it("is unique and sorts in creation order, even within one millisecond", () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
