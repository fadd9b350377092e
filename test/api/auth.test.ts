import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  asUser,
  call,
  cookieFrom,
  createUser,
  jsonRequest,
  logIn,
  mailedToken,
  ORIGIN,
  PASSWORD,
  tokenPair,
  uniqueEmail,
  uniqueIp,
} from "../helpers";

describe("sign up", () => {
  it("answers the same for a new and an existing address (no enumeration)", async () => {
    const email = uniqueEmail("enum");
    const first = await call(
      "/api/v1/auth/signup",
      jsonRequest("POST", { email, password: PASSWORD, name: "A" }),
    );
    const again = await call(
      "/api/v1/auth/signup",
      jsonRequest("POST", { email, password: PASSWORD, name: "B" }),
    );
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(await first.json());
  });

  it("refuses weak passwords with field errors and stores nothing", async () => {
    const email = uniqueEmail("weak");
    for (const password of ["short1", "password1234", "x".repeat(300)]) {
      const res = await call(
        "/api/v1/auth/signup",
        jsonRequest("POST", { email, password, name: "Weak" }),
      );
      expect(res.status).toBe(422);
      const body = await res.json<{ code: string; errors: { field: string }[] }>();
      expect(body.code).toBe("weak_password");
      expect(body.errors[0]?.field).toBe("password");
    }
    const row = await env.DB.prepare("SELECT id FROM users WHERE email = ?1").bind(email).first();
    expect(row).toBeNull();
  });

  it("answers malformed input with problem+json, never 500", async () => {
    const cases: [RequestInit, number][] = [
      [jsonRequest("POST", "{not json"), 400],
      [jsonRequest("POST", { email: "not-an-email", password: PASSWORD, name: "x" }), 422],
      [jsonRequest("POST", []), 422],
      [{ method: "POST", body: "email=a@b.c", headers: { "content-type": "text/plain" } }, 415],
    ];
    for (const [init, status] of cases) {
      const res = await call("/api/v1/auth/signup", init);
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
  });
});

describe("web sessions", () => {
  it("sets a __Host- cookie with the right attributes and a new id at every login", async () => {
    const user = await createUser("cookie");
    const res = await call(
      "/api/v1/auth/login",
      jsonRequest("POST", { email: user.email, password: PASSWORD }, asUser(user)),
    );
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^__Host-folio_session=/);
    for (const attr of ["Path=/", "HttpOnly", "Secure", "SameSite=Lax"])
      expect(setCookie).toContain(attr);
    // Session fixation: the cookie presented at login is replaced and no longer works.
    const fresh = cookieFrom(res);
    expect(fresh).not.toBe(user.cookie);
    expect((await call("/api/v1/me", { headers: { cookie: user.cookie } })).status).toBe(401);
    expect((await call("/api/v1/me", { headers: { cookie: fresh } })).status).toBe(200);
  });

  it("stores only a hash of the session token", async () => {
    const user = await createUser("hash");
    const token = user.cookie.split("=")[1]!;
    const raw = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE id = ?1")
      .bind(token)
      .first<{ n: number }>();
    expect(raw?.n).toBe(0);
  });

  it("logout invalidates the old cookie", async () => {
    const user = await createUser("logout");
    const out = await call("/api/v1/auth/logout", { method: "POST", headers: asUser(user) });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await call("/api/v1/me", { headers: { cookie: user.cookie } })).status).toBe(401);
  });

  it("rejects a cross-origin cookie POST and accepts the same request from our origin", async () => {
    const user = await createUser("csrf");
    const body = jsonRequest("PATCH", { name: "Changed" });
    const evil = await call("/api/v1/me", {
      ...body,
      headers: { ...(body.headers as object), cookie: user.cookie, origin: "https://evil.example" },
    });
    expect(evil.status).toBe(403);
    expect((await evil.json<{ code: string }>()).code).toBe("cross_origin_request");
    const missing = await call("/api/v1/me", {
      ...body,
      headers: { ...(body.headers as object), cookie: user.cookie },
    });
    expect(missing.status).toBe(403);
    const ok = await call("/api/v1/me", {
      ...body,
      headers: { ...(body.headers as object), cookie: user.cookie, origin: ORIGIN },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json<{ name: string }>()).name).toBe("Changed");
  });

  it("expires a session idle for more than 7 days", async () => {
    const user = await createUser("idle");
    await env.DB.prepare("UPDATE sessions SET last_seen_at = ?1 WHERE user_id = ?2")
      .bind(new Date(Date.now() - 8 * 86400_000).toISOString(), user.id)
      .run();
    expect((await call("/api/v1/me", { headers: { cookie: user.cookie } })).status).toBe(401);
  });

  it("lists own sessions and revokes one", async () => {
    const user = await createUser("sessions");
    const second = await logIn(user.email, PASSWORD);
    const list = await call("/api/v1/me/sessions", { headers: { cookie: second } });
    const { data } = await list.json<{ data: { id: string; current: boolean }[] }>();
    expect(data).toHaveLength(2);
    const other = data.find((s) => !s.current)!;
    const del = await call(`/api/v1/me/sessions/${other.id}`, {
      method: "DELETE",
      headers: asUser({ cookie: second }),
    });
    expect(del.status).toBe(204);
    expect((await call("/api/v1/me", { headers: { cookie: user.cookie } })).status).toBe(401);
    // Someone else's session id is simply not found.
    const stranger = await createUser("stranger");
    const theirs = await call(`/api/v1/me/sessions/${other.id}`, {
      method: "DELETE",
      headers: asUser(stranger),
    });
    expect(theirs.status).toBe(404);
  });
});

describe("passwords", () => {
  it("password change revokes other sessions and refresh tokens, keeps this one", async () => {
    const user = await createUser("change");
    const other = await logIn(user.email, PASSWORD);
    const tokens = await tokenPair(user.email, PASSWORD);
    const res = await call(
      "/api/v1/me/password",
      jsonRequest(
        "POST",
        { current_password: PASSWORD, new_password: "Another-long-passphrase-7" },
        asUser(user),
      ),
    );
    expect(res.status).toBe(204);
    expect((await call("/api/v1/me", { headers: { cookie: user.cookie } })).status).toBe(200);
    expect((await call("/api/v1/me", { headers: { cookie: other } })).status).toBe(401);
    const refresh = await call(
      "/api/v1/auth/token",
      jsonRequest("POST", { grant_type: "refresh_token", refresh_token: tokens.refresh_token }),
    );
    expect(refresh.status).toBe(400);
    expect(
      (
        await call(
          "/api/v1/auth/login",
          jsonRequest("POST", { email: user.email, password: PASSWORD }),
        )
      ).status,
    ).toBe(401);
  });

  it("reset by e-mail link works once and signs out everywhere", async () => {
    const user = await createUser("reset");
    const forgot = await call(
      "/api/v1/auth/password/forgot",
      jsonRequest("POST", { email: user.email }),
    );
    expect(forgot.status).toBe(202);
    const unknown = await call(
      "/api/v1/auth/password/forgot",
      jsonRequest("POST", { email: uniqueEmail("nobody") }),
    );
    expect(await unknown.json()).toEqual(await forgot.json());

    const token = await mailedToken(user.email, "/reset-password");
    const newPassword = "Brand-new-passphrase-9";
    const reset = await call(
      "/api/v1/auth/password/reset",
      jsonRequest("POST", { token, password: newPassword }),
    );
    expect(reset.status).toBe(200);
    expect((await call("/api/v1/me", { headers: { cookie: user.cookie } })).status).toBe(401);
    const replay = await call(
      "/api/v1/auth/password/reset",
      jsonRequest("POST", { token, password: "Yet-another-passphrase-1" }),
    );
    expect(replay.status).toBe(400);
    expect((await replay.json<{ code: string }>()).code).toBe("invalid_token");
    await logIn(user.email, newPassword);
  });
});

describe("API tokens", () => {
  it("rotates refresh tokens and revokes the family when a spent one is replayed", async () => {
    const user = await createUser("refresh");
    const first = await tokenPair(user.email, PASSWORD);
    const me = await call("/api/v1/me", {
      headers: { authorization: `Bearer ${first.access_token}` },
    });
    expect(me.status).toBe(200);

    const rotate = (refresh_token: string) =>
      call("/api/v1/auth/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token }).toString(),
      });
    const second = await rotate(first.refresh_token);
    expect(second.status).toBe(200);
    const next = await second.json<{ refresh_token: string }>();
    expect(next.refresh_token).not.toBe(first.refresh_token);

    const replay = await rotate(first.refresh_token);
    expect(replay.status).toBe(400);
    expect((await replay.json<{ code: string }>()).code).toBe("invalid_grant");
    // The thief's replay also killed the legitimate newest token.
    expect((await rotate(next.refresh_token)).status).toBe(400);

    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'auth.refresh_token_reused' AND actor_user_id = ?1",
    )
      .bind(user.id)
      .first<{ n: number }>();
    expect(audit?.n).toBe(1);
  });

  it("revoke ends a refresh token family", async () => {
    const user = await createUser("revoke");
    const pair = await tokenPair(user.email, PASSWORD);
    const res = await call(
      "/api/v1/auth/revoke",
      jsonRequest("POST", { token: pair.refresh_token }),
    );
    expect(res.status).toBe(200);
    const again = await call(
      "/api/v1/auth/token",
      jsonRequest("POST", { grant_type: "refresh_token", refresh_token: pair.refresh_token }),
    );
    expect(again.status).toBe(400);
  });

  it("rejects tampered, alg:none, expired and wrong-audience access tokens", async () => {
    const user = await createUser("jwt");
    const { access_token } = await tokenPair(user.email, PASSWORD);
    const [h, p, s] = access_token.split(".") as [string, string, string];
    const b64 = (o: unknown) =>
      btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const payload = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = [
      `${h}.${b64({ ...payload, sub: "someone-else" })}.${s}`,
      `${b64({ alg: "none", typ: "JWT" })}.${p}.`,
      `${h}.${b64({ ...payload, exp: 1 })}.${s}`,
      `${h}.${b64({ ...payload, aud: "other-api" })}.${s}`,
      `${h}.${p}.${s.slice(0, -2)}AA`,
      "not-a-jwt",
    ];
    for (const token of forged) {
      const res = await call("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("invalid_token");
    }
  });
});

describe("rate limits", () => {
  it("limits log-ins per account even when the client rotates X-Forwarded-For", async () => {
    const user = await createUser("ratelimit");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await call(
        "/api/v1/auth/login",
        jsonRequest(
          "POST",
          { email: user.email, password: "wrong-password-123" },
          { "x-forwarded-for": uniqueIp(), "cf-connecting-ip": uniqueIp() },
        ),
      );
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      }
    }
    // The account bucket holds 10 attempts; createUser's own log-in spent one.
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(401));
    expect(statuses.slice(9)).toEqual([429, 429, 429]);
  });

  it("limits log-ins per client IP; path variants share the bucket", async () => {
    const ip = uniqueIp();
    const paths = ["/api/v1/auth/login", "/API/v1/Auth/Login", "/api/v1/auth/login/"];
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await call(
        paths[i % paths.length]!,
        jsonRequest(
          "POST",
          { email: uniqueEmail("ipl"), password: "wrong-password-123" },
          { "cf-connecting-ip": ip, "x-forwarded-for": uniqueIp() },
        ),
      );
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses[20]).toBe(429);
  });
});

describe("responses never leak secrets", () => {
  it("no password hash, token hash or other user's e-mail in account responses", async () => {
    const user = await createUser("leak");
    const other = await createUser("leak-other");
    const responses = await Promise.all([
      call("/api/v1/me", { headers: { cookie: user.cookie } }),
      call("/api/v1/me/sessions", { headers: { cookie: user.cookie } }),
      call("/api/v1/auth/login", jsonRequest("POST", { email: user.email, password: PASSWORD })),
    ]);
    const hashes = await env.DB.prepare("SELECT password_hash FROM users WHERE id IN (?1, ?2)")
      .bind(user.id, other.id)
      .all<{ password_hash: string }>();
    for (const res of responses) {
      const text = await res.text();
      expect(text).not.toContain("scrypt$");
      for (const h of hashes.results) expect(text).not.toContain(h.password_hash.split("$").pop()!);
      expect(text).not.toContain(other.email);
    }
  });
});
