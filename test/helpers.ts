import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ORIGIN = "http://127.0.0.1:8787";
export const PASSWORD = "a-Strong-passphrase-42";

/** A request to the Worker exactly as a client would send it. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", uniqueIp());
  // Browsers always send Host; Remix refuses a POST that has an Origin but no Host.
  if (!headers.has("host")) headers.set("host", new URL(ORIGIN).host);
  return exports.default.fetch(new Request(new URL(path, ORIGIN), { ...init, headers }));
}

export function jsonRequest(
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** A fresh address per call: DO and D1 state persist between tests in a file. */
export function uniqueIp(): string {
  const n = crypto.getRandomValues(new Uint8Array(3));
  return `10.${n[0]}.${n[1]}.${n[2]}`;
}

export const uniqueEmail = (tag = "user") =>
  `${tag}-${crypto.randomUUID().slice(0, 8)}@example.com`;

/** The newest one-time token mailed to an address (read from the outbox, as a user reads mail). */
export async function mailedToken(email: string, path: string): Promise<string> {
  const row = await env.DB.prepare(
    "SELECT text FROM outbox WHERE to_email = ?1 AND text LIKE ?2 ORDER BY id DESC LIMIT 1",
  )
    .bind(email, `%${path}?token=%`)
    .first<{ text: string }>();
  const token =
    row && new RegExp(`${path.replace("/", "\\/")}\\?token=([A-Za-z0-9_-]+)`).exec(row.text)?.[1];
  if (!token) throw new Error(`no ${path} mail for ${email}`);
  return token;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  cookie: string;
}

/** Signs up through the API, confirms the e-mail and logs in: a real, verified user. */
export async function createUser(tag = "user", { verify = true } = {}): Promise<TestUser> {
  const email = uniqueEmail(tag);
  const signup = await call(
    "/api/v1/auth/signup",
    jsonRequest("POST", { email, password: PASSWORD, name: `Test ${tag}` }),
  );
  expect(signup.status).toBe(202);
  if (verify) {
    const token = await mailedToken(email, "/verify-email");
    const verified = await call("/api/v1/auth/verify-email", jsonRequest("POST", { token }));
    expect(verified.status).toBe(200);
  }
  const cookie = await logIn(email, PASSWORD);
  const me = await call("/api/v1/me", { headers: { cookie } });
  const { id } = await me.json<{ id: string }>();
  return { id, email, password: PASSWORD, cookie };
}

export async function logIn(email: string, password: string): Promise<string> {
  const res = await call("/api/v1/auth/login", jsonRequest("POST", { email, password }));
  expect(res.status).toBe(200);
  return cookieFrom(res);
}

/** `name=value` of the session cookie a response set. */
export function cookieFrom(res: Response): string {
  const setCookie = res.headers.get("set-cookie") ?? "";
  const pair = setCookie.split(";")[0] ?? "";
  if (!pair.includes("=")) throw new Error("no cookie set");
  return pair;
}

/** Headers for a cookie-authenticated write from our own origin. */
export const asUser = (user: { cookie: string }, extra: Record<string, string> = {}) => ({
  cookie: user.cookie,
  origin: ORIGIN,
  ...extra,
});

export async function tokenPair(email: string, password: string) {
  const res = await call(
    "/api/v1/auth/token",
    jsonRequest("POST", { grant_type: "password", username: email, password }),
  );
  expect(res.status).toBe(200);
  return res.json<{ access_token: string; refresh_token: string; expires_in: number }>();
}

// ---- publications, members and leak checks (shared by test/api/publications + api-keys) ----

export type Role = "owner" | "admin" | "editor" | "author" | "contributor";
export const ROLE_NAMES: Role[] = ["owner", "admin", "editor", "author", "contributor"];

export const uniqueSlug = (tag = "p") => `${tag}-${crypto.randomUUID().slice(0, 8)}`;

export interface TestPublication {
  id: string;
  slug: string;
  name: string;
  description: string;
  locale: string;
  timezone: string;
}

/** Creates a publication through the API; `owner` becomes its owner. */
export async function createPublication(
  owner: TestUser,
  input: Partial<Omit<TestPublication, "id">> = {},
): Promise<TestPublication> {
  const slug = input.slug ?? uniqueSlug();
  const res = await call(
    "/api/v1/publications",
    jsonRequest("POST", { name: `Pub ${slug}`, ...input, slug }, asUser(owner)),
  );
  expect(res.status).toBe(201);
  return res.json<TestPublication>();
}

/** Invites `email` through the API; returns the invitation id and the mailed token. */
export async function invite(
  inviter: TestUser,
  pub: { slug: string },
  email: string,
  role: Exclude<Role, "owner">,
): Promise<{ id: string; token: string }> {
  const res = await call(
    `/api/v1/publications/${pub.slug}/invitations`,
    jsonRequest("POST", { email, role }, asUser(inviter)),
  );
  expect(res.status).toBe(201);
  const { id } = await res.json<{ id: string }>();
  return { id, token: await mailedToken(email, "/invitations/accept") };
}

/** Invites `member` (a fresh verified user if omitted) with `role` and accepts as them. */
export async function addMember(
  inviter: TestUser,
  pub: { slug: string },
  role: Exclude<Role, "owner">,
  member?: TestUser,
): Promise<TestUser> {
  const user = member ?? (await createUser(role));
  const { token } = await invite(inviter, pub, user.email, role);
  const res = await call(
    "/api/v1/me/invitations/accept",
    jsonRequest("POST", { token }, asUser(user)),
  );
  expect(res.status).toBe(200);
  return user;
}

/** Asserts an RFC 9457 answer with the given status (and machine code, if given). */
export async function expectProblem(res: Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = await res.json<{ status: number; code: string; errors?: { field: string }[] }>();
  expect(body.status).toBe(status);
  if (code) expect(body.code).toBe(code);
  return body;
}

/**
 * `call` that keeps the text of every response, so a test can assert afterwards
 * that nothing it was shown holds an e-mail address, a password hash or a
 * stored secret hash.
 */
export function responseRecorder() {
  const texts: string[] = [];
  return {
    texts,
    async call(path: string, init: RequestInit = {}): Promise<Response> {
      const res = await call(path, init);
      texts.push(await res.clone().text());
      return res;
    },
    /** Fails if any recorded response contains an e-mail address or a stored secret. */
    async expectNoLeaks() {
      const column = async (sql: string) =>
        (await env.DB.prepare(sql).all<{ v: string | null }>()).results
          .map((r) => r.v)
          .filter((v): v is string => !!v);
      const passwordHashes = await column("SELECT password_hash AS v FROM users");
      const forbidden = [
        ...(await column("SELECT email AS v FROM users")),
        ...(await column("SELECT email AS v FROM invitations")),
        ...(await column("SELECT token_hash AS v FROM invitations")),
        ...(await column("SELECT secret_hash AS v FROM api_keys")),
        ...(await column("SELECT id AS v FROM sessions")),
        ...(await column("SELECT id AS v FROM email_tokens")),
        ...passwordHashes,
        ...passwordHashes.map((h) => h.split("$").pop()!),
      ];
      expect(texts.length).toBeGreaterThan(0);
      expect(forbidden.length).toBeGreaterThan(0);
      for (const text of texts) {
        expect(text).not.toContain("scrypt$");
        for (const secret of forbidden) expect(text).not.toContain(secret);
      }
    },
  };
}

// ---- media (test/api/media.test.ts) -----------------------------------------------------

/**
 * `call` with some Worker variables replaced for this one request (a tiny
 * MEDIA_QUOTA_BYTES, say), through the same entry point as `call`.
 */
export async function callWithEnv(
  path: string,
  init: RequestInit,
  overrides: Partial<Record<string, string>>,
): Promise<Response> {
  const { createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
  const { default: worker } = await import("../worker/index");
  const headers = new Headers(init.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", uniqueIp());
  // Browsers always send Host; Remix refuses a POST that has an Origin but no Host.
  if (!headers.has("host")) headers.set("host", new URL(ORIGIN).host);
  const request = new Request(new URL(path, ORIGIN), { ...init, headers });
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    request as Parameters<typeof worker.fetch>[0],
    { ...env, ...overrides } as Parameters<typeof worker.fetch>[1],
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/** `n` random bytes (getRandomValues fills at most 64 KiB per call). */
export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65_536) crypto.getRandomValues(out.subarray(i, i + 65_536));
  return out;
}

/**
 * Bytes that sniff as a PNG of `width` x `height` (signature and IHDR), padded
 * with a random private chunk to `size` bytes: unique per call, so uploads do
 * not deduplicate by accident. Not decodable pixels; the server never decodes.
 */
export function pngBytes(width: number, height: number, size = 2048): Uint8Array<ArrayBuffer> {
  const header = 8 + 25; // signature + IHDR chunk
  const trailer = 12; // IEND chunk
  const payload = Math.max(0, size - header - trailer - 12);
  const out = new Uint8Array(header + 12 + payload + trailer);
  const view = new DataView(out.buffer);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  view.setUint32(8, 13);
  out.set([0x49, 0x48, 0x44, 0x52], 12); // IHDR
  view.setUint32(16, width);
  view.setUint32(20, height);
  out.set([8, 2, 0, 0, 0], 24);
  view.setUint32(header, payload);
  out.set([0x72, 0x61, 0x4e, 0x64], header + 4); // "raNd": private, ancillary
  out.set(randomBytes(payload), header + 8);
  const end = header + 12 + payload;
  out.set([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82], end);
  return out;
}

export async function sha256HexOf(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A body with no Content-Length (sent chunked), in chunks of `chunkSize`. */
export function chunkedBody(bytes: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}
