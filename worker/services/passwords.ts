/**
 * Password hashing and password policy.
 *
 * scrypt from `node:crypto` (nodejs_compat) fits the Workers production limits:
 * N=2^14, r=8 needs 16 MiB of the 128 MB isolate, and unlike WebCrypto PBKDF2 it
 * has no iteration cap in production. The password is first HMACed with a
 * secret pepper, so a leaked database alone is not enough to start guessing, and
 * every input reaches scrypt as 64 hex characters whatever its length.
 *
 * Stored format, parameters travelling with each hash so they can be raised later:
 *   scrypt$v=1$n=16384,r=8,p=1$<salt base64url>$<hash base64url>
 */
import { scrypt } from "node:crypto";
import {
  base64urlDecode,
  base64urlEncode,
  hmacSha256Hex,
  timingSafeEqualBytes,
} from "../lib/crypto";

export interface ScryptParams {
  n: number;
  r: number;
  p: number;
}

/** Current parameters for new hashes; a stored hash with others gets `needsRehash`. */
export const SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ n: 2 ** 14, r: 8, p: 1 });
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT_VERSION = "v=1";

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
// Hard cap on what the hashing functions accept at all (UTF-16 units), far above
// the policy limit: only there so NFKC and HMAC never see megabyte inputs.
const MAX_HASH_INPUT = 4096;

// Bounds for parameters read back from storage. Stored hashes come from our own
// database, but a corrupt or hostile row must not make one login allocate
// hundreds of MiB or burn seconds of CPU.
const MAX_SCRYPT_MEMORY = 64 * 1024 * 1024;
const MAX_SCRYPT_COST = 2 ** 20; // n * r * p; the default is 2^17

export interface VerifyResult {
  ok: boolean;
  /** True only when `ok` and the hash used other than the current parameters. */
  needsRehash: boolean;
}

/** A well-formed hash nobody's password matches, for unknown accounts. */
export const DUMMY_HASH =
  "scrypt$v=1$n=16384,r=8,p=1$lfk3He0dm-r8ZIAHy8_tnA$jgox0l7sMQNFu77IB3JWL7GWipQfabCA_sW4xi5lxhM";

/** Memory OpenSSL's scrypt checks against maxmem: 128 * r * (N + p + 2) bytes. */
function scryptMemory({ n, r, p }: ScryptParams): number {
  return 128 * r * (n + p + 2);
}

// A hand-written Promise wrapper rather than util.promisify: promisify's types pick
// the overload without options. Note that workerd runs the derivation on the
// isolate's thread; the callback form keeps the API async, not the CPU free.
function deriveKey(
  input: string,
  salt: Uint8Array,
  keyLength: number,
  params: ScryptParams,
): Promise<Uint8Array> {
  const options = { N: params.n, r: params.r, p: params.p, maxmem: scryptMemory(params) };
  return new Promise((resolve, reject) => {
    scrypt(input, salt, keyLength, options, (err, key) => {
      if (err) reject(err);
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
    });
  });
}

function checkPepper(pepper: string): void {
  // Hashing without the pepper would silently create hashes that never verify
  // once it is configured: a deployment error, so it throws.
  if (typeof pepper !== "string" || pepper === "") {
    throw new TypeError("Password pepper is not configured");
  }
}

/** NFKC so that composed and decomposed forms (and width variants) are one password. */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

async function pepperedInput(normalized: string, pepper: string): Promise<string> {
  return hmacSha256Hex(pepper, normalized);
}

export async function hashPassword(password: string, pepper: string): Promise<string> {
  checkPepper(pepper);
  if (typeof password !== "string" || password.length > MAX_HASH_INPUT) {
    throw new RangeError("Password is too long to hash");
  }
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const input = await pepperedInput(normalizePassword(password), pepper);
  const key = await deriveKey(input, salt, KEY_BYTES, SCRYPT_PARAMS);
  const { n, r, p } = SCRYPT_PARAMS;
  const params = `n=${n},r=${r},p=${p}`;
  return `scrypt$${FORMAT_VERSION}$${params}$${base64urlEncode(salt)}$${base64urlEncode(key)}`;
}

export interface ParsedHash {
  params: ScryptParams;
  salt: Uint8Array;
  hash: Uint8Array;
}

const PARAMS_RE = /^n=([1-9]\d{0,9}),r=([1-9]\d{0,3}),p=([1-9]\d{0,3})$/;

/** Parses and bounds-checks a stored hash; null for anything unexpected. */
export function parsePasswordHash(stored: string): ParsedHash | null {
  if (typeof stored !== "string" || stored.length > 512) return null;
  const parts = stored.split("$");
  if (parts.length !== 5) return null;
  const [scheme, version, paramText, saltText, hashText] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (scheme !== "scrypt" || version !== FORMAT_VERSION) return null;
  const m = PARAMS_RE.exec(paramText);
  if (!m) return null;
  const params = { n: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // scrypt needs N to be a power of two; below 2^10 is too weak to keep accepting.
  if (params.n < 2 ** 10 || (params.n & (params.n - 1)) !== 0) return null;
  if (scryptMemory(params) > MAX_SCRYPT_MEMORY) return null;
  if (params.n * params.r * params.p > MAX_SCRYPT_COST) return null;
  let salt: Uint8Array;
  let hash: Uint8Array;
  try {
    salt = base64urlDecode(saltText);
    hash = base64urlDecode(hashText);
  } catch {
    return null;
  }
  if (salt.length < 16 || salt.length > 64 || hash.length < 16 || hash.length > 64) return null;
  return { params, salt, hash };
}

function isCurrent({ params, salt, hash }: ParsedHash): boolean {
  return (
    params.n === SCRYPT_PARAMS.n &&
    params.r === SCRYPT_PARAMS.r &&
    params.p === SCRYPT_PARAMS.p &&
    salt.length === SALT_BYTES &&
    hash.length === KEY_BYTES
  );
}

/**
 * Never throws for a bad password or a bad stored string (only for a missing
 * pepper). Unusable inputs still spend one dummy derivation so every failure
 * costs about the same.
 */
export async function verifyPassword(
  password: string,
  stored: string,
  pepper: string,
): Promise<VerifyResult> {
  checkPepper(pepper);
  const parsed = parsePasswordHash(stored);
  const usable = parsed !== null && typeof password === "string";
  const target = parsed ?? (parsePasswordHash(DUMMY_HASH) as ParsedHash);
  const candidate =
    typeof password === "string" && password.length <= MAX_HASH_INPUT ? password : "";
  let ok = false;
  try {
    const input = await pepperedInput(normalizePassword(candidate), pepper);
    const key = await deriveKey(input, target.salt, target.hash.length, target.params);
    ok = timingSafeEqualBytes(key, target.hash);
  } catch {
    ok = false;
  }
  // An over-long password was never hashable, so it cannot match anything.
  ok = ok && usable && candidate === password;
  return { ok, needsRehash: ok && parsed !== null && !isCurrent(parsed) };
}

/**
 * Spends the same work as checking a real account, for log-ins naming an account
 * that does not exist, so response time does not reveal which e-mails are registered.
 */
export async function verifyAgainstDummy(
  password: string,
  pepper: string,
): Promise<{ ok: false; needsRehash: false }> {
  await verifyPassword(password, DUMMY_HASH, pepper);
  return { ok: false, needsRehash: false };
}

// A compact selection of the most common leaked passwords (as ranked in public
// lists such as RockYou and the NCSC top 100k), lower-cased. Many are shorter
// than the minimum and fail that rule anyway; they stay because the check also
// strips digits and symbols from both ends: "Password2024!" is caught as "password".
const COMMON_PASSWORDS = new Set(
  `
123456 password 123456789 12345678 12345 qwerty 1234567 111111 1234567890 123123 abc123 1234
password1 iloveyou 1q2w3e4r 000000 qwerty123 zaq12wsx dragon sunshine princess letmein 654321
monkey 27653 1qaz2wsx 123321 qwertyuiop superman asdfghjkl trustno1 football baseball welcome
121212 master shadow michael jennifer jordan hunter ranger harley charlie robert thomas hockey
buster soccer batman andrew tigger daniel starwars klaster 112233 george computer michelle
jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa
ginger joshua cheese amanda summer love ashley nicole 6969 biteme matthew access yankees
987654321 dallas austin thunder taylor matrix mustang killer hello whatever 696969 fuckyou
donald qazwsx passw0rd p@ssw0rd p@ssword pa$$word admin administrator root guest login
welcome1 welcome123 admin123 password123 password12 password1234 iloveyou1 abc12345 abcd1234
qwe123 1q2w3e 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx3edc zxcvbnm asdfgh asdf1234 qwertyui qwerty1
123qwe 123abc 666666 888888 999999 222222 7777777 123654 147258369 147258 123456a a123456
1234qwer qwer1234 12341234 11223344 123123123 1234512345 0987654321 987654 102030 5201314
520520 liverpool chelsea arsenal barcelona manchester pokemon naruto minecraft fortnite
samsung google facebook youtube linkedin internet secret changeme default test test123
testing demo qwerty12345 1qazxsw2 q1w2e3r4 q1w2e3r4t5 q1w2e3r4t5y6 1a2b3c4d azerty
azertyuiop 123456789a abcdef abcdefg abcdefgh abcdefghij abcdefghijk lovely loveme iloveu
babygirl butterfly flower angel jesus blessed hannah jasmine diamond silver golden orange
purple banana chocolate cookie chicken coffee pizza snoopy mickey tinkerbell hellokitty
spiderman ironman pass123 passpass passwordpassword 1234567891 12345678910 123456789q
qwertyuiop123 asdfghjkl123 zxcvbnm123 123qweasd qweasdzxc qweasd 1qaz@wsx !qaz2wsx hunter2
q1w2e3 1234abcd 112233445566 123456654321 1122334455 1111111111 0000000000 1212121212
1231231231 asdasd asdasdasd qweqwe qweqweqwe zxczxc 123qwe123 159357 741852963 963852741
147852369 789456123 123789 456789 qazwsx123 zaq1xsw2 1qaz1qaz 2wsx3edc loveyou mylove forever
family friends 123456789abc abc123456 abc123abc aa123456 aa12345678 qq123456 a1b2c3d4 a1b2c3
1q1q1q zzzzzz xxxxxx asdfasdf qwerqwer correcthorsebatterystaple trustnoone letmein123
iloveyou123 monkey123 dragon123 welcome2024 football1 baseball1 princess1 sunshine1 superman1
cheese123 secret123 master123 shadow123 killer123 hello123 hellohello whatever1 computer1
michael1 charlie1 jordan23 lakers cowboys steelers eagles tigers peanut bailey sophie
princesa rockyou slipknot metallica nirvana eminem 50cent justin bieber onedirection
zaqxswcde qwertyu 1qazxsw23edc poiuytrewq mnbvcxz lkjhgfdsa 0123456789 9876543210
987654321a 1234567a 12345a 123456q 12345qwert 12345qwerty qwerty1234 qwerty12 asdf qwer
iloveu2 sweety sweetheart darling beautiful pretty babygirl1 lovelove loveyou2 kisses
`
    .split(/\s+/)
    .filter(Boolean),
);

// Common character substitutions, undone before a second look-up ("p@ssw0rd").
const LEET: Record<string, string> = {
  "@": "a",
  "4": "a",
  "3": "e",
  "0": "o",
  $: "s",
  "5": "s",
  "1": "i",
  "!": "i",
  "7": "t",
};

function isCommon(lower: string): boolean {
  if (COMMON_PASSWORDS.has(lower)) return true;
  // Common word plus decoration: "Password1!", "!!dragon2024".
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
  if (core.length < 4) return false;
  if (COMMON_PASSWORDS.has(core)) return true;
  const unleet = core.replace(/[@43$0517!]/g, (c) => LEET[c] ?? c);
  return COMMON_PASSWORDS.has(unleet);
}

/** Letters and digits only, lower-cased: "Jane.Doe" and "janedoe" compare equal. */
function compact(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

/** Personal strings a password must not contain (short ones would match too much). */
function personalTokens(context: { email?: string; name?: string; handle?: string }): string[] {
  const tokens: string[] = [];
  const email = context.email?.trim() ?? "";
  const at = email.lastIndexOf("@");
  const local = at > 0 ? email.slice(0, at) : email;
  if (local) {
    tokens.push(compact(local));
    // jane+folio@example.com: "jane" alone is just as guessable.
    tokens.push(compact(local.split("+")[0] ?? ""));
  }
  if (context.handle) tokens.push(compact(context.handle));
  if (context.name) {
    tokens.push(compact(context.name));
    for (const part of context.name.split(/\s+/)) {
      const word = compact(part);
      if (word.length >= 4) tokens.push(word);
    }
  }
  return tokens.filter((t) => t.length >= 3);
}

/**
 * Human-readable reasons a new password is not acceptable; empty means fine.
 * Counts characters as code points after NFKC, as the hash sees them.
 */
export function passwordProblems(
  password: string,
  context: { email?: string; name?: string; handle?: string } = {},
): string[] {
  const problems: string[] = [];
  // Cap before normalizing: NFKC of a huge string is wasted work; it fails anyway.
  const normalized = normalizePassword(password.slice(0, MAX_HASH_INPUT + 1));
  const chars = [...normalized];
  if (chars.length < MIN_PASSWORD_LENGTH) {
    problems.push(`Use at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (chars.length > MAX_PASSWORD_LENGTH) {
    problems.push(
      `Use at most ${MAX_PASSWORD_LENGTH} characters; longer passwords are not accepted.`,
    );
  }
  if (chars.length > 0 && new Set(chars).size === 1) {
    problems.push("Don't use a single repeated character.");
  }
  const lower = normalized.toLowerCase();
  if (isCommon(lower)) {
    problems.push("This password is too common; choose something less predictable.");
  }
  const flat = compact(normalized);
  if (personalTokens(context).some((token) => flat.includes(token))) {
    problems.push("Don't use your e-mail address, name or handle in your password.");
  }
  return problems;
}
