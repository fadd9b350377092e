import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ORIGIN = "http://127.0.0.1:8787";
export const PASSWORD = "a-Strong-passphrase-42";

/** A request to the Worker exactly as a client would send it. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", uniqueIp());
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
