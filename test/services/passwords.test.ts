import { scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { base64urlDecode, base64urlEncode, hmacSha256Hex } from "../../worker/lib/crypto";
import {
  DUMMY_HASH,
  hashPassword,
  parsePasswordHash,
  passwordProblems,
  SCRYPT_PARAMS,
  verifyAgainstDummy,
  verifyPassword,
} from "../../worker/services/passwords";

const PEPPER = "test-pepper";
const PASSWORD = "violet-harbour-lantern-42";
const FORMAT_RE = /^scrypt\$v=1\$n=16384,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/;

/** Builds a stored hash independently of the module, with any parameters. */
async function legacyHash(
  password: string,
  pepper: string,
  { n, r, p }: { n: number; r: number; p: number },
  saltBytes = 16,
  keyBytes = 32,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(saltBytes));
  const input = await hmacSha256Hex(pepper, password.normalize("NFKC"));
  const key = scryptSync(input, salt, keyBytes, { N: n, r, p, maxmem: 64 * 1024 * 1024 });
  return `scrypt$v=1$n=${n},r=${r},p=${p}$${base64urlEncode(salt)}$${base64urlEncode(
    new Uint8Array(key),
  )}`;
}

describe("hashPassword", () => {
  it("encodes scheme, version, parameters, salt and hash", async () => {
    const stored = await hashPassword(PASSWORD, PEPPER);
    expect(stored).toMatch(FORMAT_RE);
    const parsed = parsePasswordHash(stored);
    expect(parsed?.params).toEqual({ n: 16384, r: 8, p: 1 });
    expect(parsed?.salt).toHaveLength(16);
    expect(parsed?.hash).toHaveLength(32);
  });

  it("salts every hash", async () => {
    const a = await hashPassword(PASSWORD, PEPPER);
    const b = await hashPassword(PASSWORD, PEPPER);
    expect(a).not.toBe(b);
    expect(a.split("$")[3]).not.toBe(b.split("$")[3]);
  });

  it("is scrypt over HMAC-SHA256(pepper, password) in hex", async () => {
    const stored = await hashPassword(PASSWORD, PEPPER);
    const [, , , salt, hash] = stored.split("$") as [string, string, string, string, string];
    const input = await hmacSha256Hex(PEPPER, PASSWORD);
    const expected = scryptSync(input, base64urlDecode(salt), 32, { N: 16384, r: 8, p: 1 });
    expect(base64urlEncode(new Uint8Array(expected))).toBe(hash);
  });

  it("refuses to hash without a pepper or with absurd input", async () => {
    await expect(hashPassword(PASSWORD, "")).rejects.toThrow(TypeError);
    await expect(hashPassword("x".repeat(5000), PEPPER)).rejects.toThrow(RangeError);
  });

  it("takes a measurable, modest time with the default parameters", async () => {
    // Informational only: no assertion on speed, which depends on the machine.
    // Deployed Workers only move the clock on I/O, so timers bracket each sample;
    // local workerd ticks anyway (1 ms resolution).
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const start = performance.now();
      await hashPassword(PASSWORD, PEPPER);
      await new Promise((resolve) => setTimeout(resolve, 0));
      samples.push(performance.now() - start);
    }
    console.log(
      `scrypt N=${SCRYPT_PARAMS.n} r=${SCRYPT_PARAMS.r} p=${SCRYPT_PARAMS.p}: ` +
        `${samples.map((ms) => ms.toFixed(1)).join(", ")} ms per hash`,
    );
    expect(samples).toHaveLength(3);
  });
});

describe("verifyPassword", () => {
  it("accepts the right password and needs no rehash", async () => {
    const stored = await hashPassword(PASSWORD, PEPPER);
    expect(await verifyPassword(PASSWORD, stored, PEPPER)).toEqual({
      ok: true,
      needsRehash: false,
    });
  });

  it("rejects a wrong password, a near miss and an empty one", async () => {
    const stored = await hashPassword(PASSWORD, PEPPER);
    for (const wrong of ["wrong-password-123", `${PASSWORD} `, PASSWORD.toUpperCase(), ""]) {
      expect(await verifyPassword(wrong, stored, PEPPER), wrong).toEqual({
        ok: false,
        needsRehash: false,
      });
    }
  });

  it("rejects the right password under another pepper", async () => {
    const stored = await hashPassword(PASSWORD, PEPPER);
    expect((await verifyPassword(PASSWORD, stored, "other-pepper")).ok).toBe(false);
  });

  it("throws only for a missing pepper", async () => {
    const stored = await hashPassword(PASSWORD, PEPPER);
    await expect(verifyPassword(PASSWORD, stored, "")).rejects.toThrow(TypeError);
  });

  it("flags hashes made with older parameters for rehashing", async () => {
    const older = await legacyHash(PASSWORD, PEPPER, { n: 2 ** 12, r: 8, p: 1 });
    expect(await verifyPassword(PASSWORD, older, PEPPER)).toEqual({ ok: true, needsRehash: true });
    const otherP = await legacyHash(PASSWORD, PEPPER, { n: 2 ** 14, r: 8, p: 2 });
    expect(await verifyPassword(PASSWORD, otherP, PEPPER)).toEqual({ ok: true, needsRehash: true });
    const longerKey = await legacyHash(PASSWORD, PEPPER, SCRYPT_PARAMS, 16, 64);
    expect(await verifyPassword(PASSWORD, longerKey, PEPPER)).toEqual({
      ok: true,
      needsRehash: true,
    });
    // Wrong password on an old hash: no rehash either.
    expect(await verifyPassword("not-the-password", older, PEPPER)).toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it("accepts a hash built independently with the current parameters", async () => {
    const current = await legacyHash(PASSWORD, PEPPER, SCRYPT_PARAMS);
    expect(await verifyPassword(PASSWORD, current, PEPPER)).toEqual({
      ok: true,
      needsRehash: false,
    });
  });

  it("returns ok false, without throwing, for malformed stored strings", async () => {
    const good = await hashPassword(PASSWORD, PEPPER);
    const [, , , salt, hash] = good.split("$") as [string, string, string, string, string];
    const malformed = [
      "",
      "garbage",
      PASSWORD,
      "$2b$10$abcdefghijklmnopqrstuuJ3y8yqJk6m9p3pV3c8Q4JqJ8uJm5xXy",
      `SCRYPT$v=1$n=16384,r=8,p=1$${salt}$${hash}`,
      `scrypt$v=2$n=16384,r=8,p=1$${salt}$${hash}`,
      `scrypt$v=1$n=16384,r=8$${salt}$${hash}`,
      `scrypt$v=1$r=8,n=16384,p=1$${salt}$${hash}`,
      `scrypt$v=1$n=16000,r=8,p=1$${salt}$${hash}`, // not a power of two
      `scrypt$v=1$n=016384,r=8,p=1$${salt}$${hash}`,
      `scrypt$v=1$n=-16384,r=8,p=1$${salt}$${hash}`,
      `scrypt$v=1$n=1048576,r=8,p=1$${salt}$${hash}`, // 1 GiB: refused, not attempted
      `scrypt$v=1$n=16384,r=8,p=64$${salt}$${hash}`, // too much CPU
      `scrypt$v=1$n=16384,r=8,p=0$${salt}$${hash}`,
      `scrypt$v=1$n=16384,r=8,p=1$${salt}$`,
      `scrypt$v=1$n=16384,r=8,p=1$$${hash}`,
      `scrypt$v=1$n=16384,r=8,p=1$${salt}=$${hash}`,
      `scrypt$v=1$n=16384,r=8,p=1$${salt}$${hash}==`,
      `scrypt$v=1$n=16384,r=8,p=1$${salt.slice(0, 10)}$${hash}`, // 7-byte salt
      `scrypt$v=1$n=16384,r=8,p=1$${salt}$${hash.slice(0, 10)}`,
      `scrypt$v=1$n=16384,r=8,p=1$${salt}$${hash}$extra`,
      `${good} `,
      good.replace(/\$/g, ":"),
    ];
    for (const stored of malformed) {
      expect(await verifyPassword(PASSWORD, stored, PEPPER), stored).toEqual({
        ok: false,
        needsRehash: false,
      });
    }
  });

  it("rejects absurdly long or non-string input without throwing", async () => {
    const stored = await hashPassword(PASSWORD, PEPPER);
    expect((await verifyPassword("x".repeat(100_000), stored, PEPPER)).ok).toBe(false);
    expect((await verifyPassword(undefined as unknown as string, stored, PEPPER)).ok).toBe(false);
  });

  it("treats composed and decomposed Unicode as the same password (NFKC)", async () => {
    const composed = "caf\u00e9-au-lait-matin";
    const decomposed = "cafe\u0301-au-lait-matin";
    expect(composed).not.toBe(decomposed);
    const stored = await hashPassword(composed, PEPPER);
    expect((await verifyPassword(decomposed, stored, PEPPER)).ok).toBe(true);
    const fromDecomposed = await hashPassword(decomposed, PEPPER);
    expect((await verifyPassword(composed, fromDecomposed, PEPPER)).ok).toBe(true);
    // Compatibility forms too: full-width letters are their ASCII counterparts.
    const fullWidth = await hashPassword("ｍｏｏｎｌｉｇｈｔ－２０２６", PEPPER);
    expect((await verifyPassword("moonlight-2026", fullWidth, PEPPER)).ok).toBe(true);
    // But a different letter is still different.
    expect((await verifyPassword("cafe-au-lait-matin", stored, PEPPER)).ok).toBe(false);
  });
});

describe("DUMMY_HASH / verifyAgainstDummy", () => {
  it("is a well-formed hash with the current parameters", () => {
    expect(DUMMY_HASH).toMatch(FORMAT_RE);
    expect(parsePasswordHash(DUMMY_HASH)?.params).toEqual({ ...SCRYPT_PARAMS });
  });

  it("never succeeds and does the full work", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const start = performance.now();
    expect(await verifyAgainstDummy(PASSWORD, PEPPER)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyAgainstDummy("", PEPPER)).toEqual({ ok: false, needsRehash: false });
    await new Promise((resolve) => setTimeout(resolve, 0));
    console.log(`verifyAgainstDummy x2: ${(performance.now() - start).toFixed(1)} ms`);
  });
});

describe("passwordProblems", () => {
  const ok = (pw: string, ctx = {}) => expect(passwordProblems(pw, ctx), pw).toEqual([]);
  const has = (pw: string, fragment: string, ctx = {}) =>
    expect(passwordProblems(pw, ctx).join(" | "), pw).toContain(fragment);

  it("accepts reasonable passwords", () => {
    ok(PASSWORD);
    ok("correct horse battery staple 7");
    ok("Zq8#mLp2!vRt");
    ok("🦊🦊🐻🐻🐼🐼🐨🐨🐯🐯"); // ten code points, twenty UTF-16 units
  });

  it("rejects short passwords, counting code points after NFKC", () => {
    has("", "at least 10 characters");
    has("Zq8#mLp2!", "at least 10 characters");
    has("🦊🐻🐼🐨🐯🦁🐮🐷🐸", "at least 10 characters"); // 9 code points, 18 units
    ok("Zq8#mLp2!v");
  });

  it("rejects very long passwords and says so", () => {
    const long = "Zq8#mLp2!v".repeat(26).slice(0, 257);
    has(long, "at most 256 characters");
    ok("Zq8#mLp2!v".repeat(26).slice(0, 256));
    has("ab".repeat(100_000), "at most 256 characters");
  });

  it("rejects common passwords, case-insensitively and with decoration", () => {
    for (const pw of [
      "1234567890",
      "qwertyuiop",
      "password123",
      "PASSWORD123",
      "Password2024!",
      "p@ssw0rd123!",
      "P@ssw0rd!!!!",
      "iloveyou2024",
      "123456789a",
      "1qaz2wsx3edc",
      "football1234",
      "!!dragon2024",
      "correcthorsebatterystaple",
    ]) {
      has(pw, "too common");
    }
  });

  it("rejects a single repeated character", () => {
    has("aaaaaaaaaaaa", "single repeated character");
    has("............", "single repeated character");
    has("ééééééééééé", "single repeated character");
    has("e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301", "repeated");
  });

  it("rejects passwords built from the e-mail, handle or name", () => {
    const ctx = {
      email: "Jane.Doe+folio@example.com",
      handle: "janedoe_writes",
      name: "Jane Marlowe",
    };
    has("jane.doe-2026!", "e-mail address, name or handle", ctx);
    has("JANEDOE+FOLIO", "e-mail address, name or handle", ctx);
    has("xx-janedoe_writes-xx", "e-mail address, name or handle", ctx);
    has("marlowe-forever-9", "e-mail address, name or handle", ctx);
    has("Jane Marlowe 1999", "e-mail address, name or handle", ctx);
    ok("violet-harbour-lantern-42", ctx);
    // Short fragments do not count: "jo" would match too much.
    ok("violet-harbour-lantern-42", { email: "jo@example.com", handle: "ab" });
  });

  it("reports every problem it finds", () => {
    const problems = passwordProblems("aaaa", {});
    expect(problems).toHaveLength(2);
    expect(problems.join(" ")).toMatch(/at least 10 characters/);
    expect(problems.join(" ")).toMatch(/single repeated character/);
  });
});
