import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import {
  call,
  cookieFrom,
  createUser,
  logIn,
  mailedToken,
  ORIGIN,
  PASSWORD,
  uniqueEmail,
} from "../helpers";

// Each test signs up real users (scrypt hashing, as in production): give a busy machine room.
vi.setConfig({ testTimeout: 20_000 });

/** A no-JavaScript form post, as a browser sends it from one of our pages. */
function postForm(
  path: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of [value].flat()) body.append(name, v);
  }
  return call(path, {
    method: "POST",
    body,
    redirect: "manual",
    // Browsers always send Host; Remix compares it with Origin before any action runs.
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: ORIGIN,
      host: new URL(ORIGIN).host,
      ...headers,
    },
  });
}

const page = (path: string, cookie?: string) =>
  call(path, { redirect: "manual", headers: cookie ? { cookie } : {} });

/** The <main> of a page: what differs between two answers, without the per-request nonce. */
const mainOf = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? "";

const CHECK_MAIL = "we have sent it an e-mail with a link to confirm it";

describe("sign up page", () => {
  it("renders a labelled form that is never cached", async () => {
    const res = await page("/signup");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const html = await res.text();
    expect(html).toContain("<title>Sign up — Folio</title>");
    for (const name of ["name", "email", "password", "handle"]) {
      expect(html).toContain(`<label for="${name}"`);
      expect(html).toMatch(new RegExp(`<input[^>]+id="${name}"[^>]+name="${name}"`));
    }
    expect(html).toMatch(/<form method="post" action="\/signup"/);
  });

  it("answers a new and an existing address with the same check-your-mail page", async () => {
    const email = uniqueEmail("page-signup");
    const fields = { name: "Ada", email, password: PASSWORD };
    const first = await postForm("/signup", fields);
    const again = await postForm("/signup", { ...fields, name: "Someone else" });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    const [a, b] = [mainOf(await first.text()), mainOf(await again.text())];
    expect(a).toContain(CHECK_MAIL);
    expect(b).toBe(a);
    expect(first.headers.get("set-cookie")).toBeNull();
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?1")
      .bind(email)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("shows field errors, keeps the values and never echoes the password", async () => {
    const email = uniqueEmail("page-weak");
    const res = await postForm("/signup", { name: "Weak", email, password: "short1" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("There is a problem");
    expect(html).toContain('href="#password"');
    expect(html).toMatch(
      /<input[^>]+aria-invalid="true"[^>]+aria-describedby="password-hint password-error"|<input[^>]+id="password"[^>]+aria-invalid="true"/,
    );
    expect(html).toContain(`value="${email}"`);
    expect(html).not.toContain('value="short1"');
  });

  it("explains an empty field in words, not as a type error", async () => {
    const res = await postForm("/signup", { name: "", email: "", password: "" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Enter your name.");
    expect(html).toContain("Enter your e-mail address.");
    expect(html).not.toContain("expected string");
  });
});

describe("log in page", () => {
  it("sets the session cookie and redirects to redirectTo", async () => {
    const user = await createUser("page-login");
    const res = await postForm("/login", {
      email: user.email,
      password: PASSWORD,
      redirectTo: "/account",
    });
    expect([302, 303]).toContain(res.status);
    expect(res.headers.get("location")).toBe("/account");
    expect(res.headers.get("set-cookie")).toMatch(/^__Host-folio_session=[^;]+;.*HttpOnly/);
    const account = await page("/account", cookieFrom(res));
    expect(account.status).toBe(200);
    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login' AND actor_user_id = ?1",
    )
      .bind(user.id)
      .first<{ n: number }>();
    // One from createUser (API), one from this page.
    expect(audit?.n).toBe(2);
  });

  it("falls back to /admin for a redirectTo that leaves the site", async () => {
    const user = await createUser("page-evil");
    for (const redirectTo of ["//evil.example", "https://evil.example/", "/\t/evil.example"]) {
      const res = await postForm("/login", { email: user.email, password: PASSWORD, redirectTo });
      expect([302, 303]).toContain(res.status);
      expect(res.headers.get("location")).toBe("/admin");
    }
  });

  it("carries ?redirectTo into the form", async () => {
    const html = await (await page("/login?redirectTo=%2Faccount")).text();
    expect(html).toMatch(/<input type="hidden" name="redirectTo" value="\/account"/);
  });

  it("answers a wrong password with the generic message and no cookie", async () => {
    const user = await createUser("page-wrong");
    for (const email of [user.email, uniqueEmail("nobody")]) {
      const res = await postForm("/login", { email, password: "not-the-password-1" });
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
      const html = await res.text();
      expect(html).toContain("That e-mail and password do not match an account.");
      expect(html).toContain(`value="${email}"`);
      expect(html).not.toContain("not-the-password-1");
    }
  });

  it("keeps the 429 of the rate limiter and says so", async () => {
    const email = uniqueEmail("page-limited");
    let res: Response | undefined;
    for (let i = 0; i < 11; i++) res = await postForm("/login", { email, password: "wrong-1" });
    expect(res?.status).toBe(429);
    expect(res?.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await res?.text()).toContain("Too many attempts");
  });

  it("says so after a password reset", async () => {
    const html = await (await page("/login?reset=1")).text();
    expect(html).toContain("Password changed. Log in with your new password.");
  });
});

describe("log out", () => {
  it("clears the cookie on POST and the old cookie no longer opens /account", async () => {
    const user = await createUser("page-logout");
    const res = await postForm("/logout", {}, { cookie: user.cookie });
    expect([302, 303]).toContain(res.status);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.get("set-cookie")).toMatch(/^__Host-folio_session=;.*Max-Age=0/);
    const account = await page("/account", user.cookie);
    expect(account.status).toBe(302);
    expect(account.headers.get("location")).toBe("/login?redirectTo=%2Faccount");
  });

  it("does nothing on GET", async () => {
    const user = await createUser("page-logout-get");
    const res = await page("/logout", user.cookie);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.get("set-cookie")).toBeNull();
    expect((await page("/account", user.cookie)).status).toBe(200);
  });

  it("is refused from another origin (the gateway's CSRF check)", async () => {
    const user = await createUser("page-csrf");
    const res = await postForm(
      "/logout",
      {},
      { cookie: user.cookie, origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
    expect((await page("/account", user.cookie)).status).toBe(200);
  });
});

describe("account page", () => {
  it("redirects to log in when signed out", async () => {
    const res = await page("/account");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Faccount");
  });

  it("shows the profile and sessions, marks this one, and is never cached", async () => {
    const user = await createUser("page-account");
    const res = await page("/account", user.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const html = await res.text();
    expect(html).toContain(user.email);
    expect(html).toContain("This device");
    expect(html).toContain(">Log out</button>");
    expect(html).not.toContain("Send a new link"); // already confirmed
  });

  it("updates the profile and refuses a taken handle with a field error", async () => {
    const other = await createUser("page-handle-owner");
    const otherHandle = (await (await page("/account", other.cookie)).text()).match(
      /id="profile-handle"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*id="profile-handle"/,
    );
    const taken = otherHandle?.[1] ?? otherHandle?.[2];
    expect(taken).toBeTruthy();

    const user = await createUser("page-profile");
    const saved = await postForm(
      "/account",
      { intent: "profile", name: "Grace Hopper", handle: "" },
      { cookie: user.cookie },
    );
    expect(saved.status).toBe(200);
    const html = await saved.text();
    expect(html).toContain("Profile saved.");
    expect(html).toContain('value="Grace Hopper"');

    const refused = await postForm(
      "/account",
      { intent: "profile", name: "Grace", handle: taken! },
      { cookie: user.cookie },
    );
    expect(refused.status).toBe(409);
    const body = await refused.text();
    expect(body).toContain("That handle is taken.");
    expect(body).toMatch(/id="profile-handle"[^>]*aria-invalid="true"/);
  });

  it("changes the password, keeps this session and ends the others", async () => {
    const user = await createUser("page-password");
    const elsewhere = await logIn(user.email, PASSWORD);
    const mismatch = await postForm(
      "/account",
      {
        intent: "password",
        current_password: PASSWORD,
        new_password: "another-Strong-phrase-7",
        new_password_confirm: "something-else-entirely-7",
      },
      { cookie: user.cookie },
    );
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain("The two new passwords do not match.");

    const res = await postForm(
      "/account",
      {
        intent: "password",
        current_password: PASSWORD,
        new_password: "another-Strong-phrase-7",
        new_password_confirm: "another-Strong-phrase-7",
      },
      { cookie: user.cookie },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Password changed.");
    expect((await page("/account", user.cookie)).status).toBe(200);
    expect((await page("/account", elsewhere)).status).toBe(302);
  });

  it("signs out another session from the sessions table", async () => {
    const user = await createUser("page-sessions");
    const elsewhere = await logIn(user.email, PASSWORD);
    const html = await (await page("/account", user.cookie)).text();
    const ids = [...html.matchAll(/name="session_id" value="([0-9a-f]{64})"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(1); // the other one; this device has no button
    const res = await postForm(
      "/account",
      { intent: "revoke-session", session_id: ids[0]! },
      { cookie: user.cookie },
    );
    expect(await res.text()).toContain("That session is signed out.");
    expect((await page("/account", elsewhere)).status).toBe(302);
  });

  it("offers a new confirmation link while the address is unconfirmed", async () => {
    const user = await createUser("page-unverified", { verify: false });
    const html = await (await page("/account", user.cookie)).text();
    expect(html).toContain("Confirm your e-mail address");
    const res = await postForm(
      "/account",
      { intent: "resend-verification" },
      { cookie: user.cookie },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`We sent a new confirmation link to ${user.email}.`);
  });
});

describe("e-mail confirmation and password reset", () => {
  it("confirms an address once, then explains the spent link kindly", async () => {
    const email = uniqueEmail("page-verify");
    await postForm("/signup", { name: "Verifier", email, password: PASSWORD });
    const token = await mailedToken(email, "/verify-email");
    const ok = await page(`/verify-email?token=${token}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("E-mail confirmed");
    const again = await page(`/verify-email?token=${token}`);
    expect(again.status).toBe(400);
    const html = await again.text();
    expect(html).toContain("This link does not work");
    expect(html).toContain("Log in</a> and ask for a new link");
  });

  it("explains a missing or unknown token without an error page", async () => {
    for (const path of ["/verify-email", "/verify-email?token=nope", "/reset-password"]) {
      const html = await (await page(path)).text();
      expect(html).not.toContain("Something went wrong");
      expect(html).toMatch(/This link does not work|This reset link is invalid/);
    }
  });

  it("gives the same answer for a known and an unknown address", async () => {
    const user = await createUser("page-forgot");
    const known = await postForm("/forgot-password", { email: user.email });
    const unknown = await postForm("/forgot-password", { email: uniqueEmail("ghost") });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const a = mainOf(await known.text());
    expect(a).toContain("If an account exists for that address");
    expect(mainOf(await unknown.text())).toBe(a);
  });

  it("resets the password from the mailed link and sends the user to log in", async () => {
    const user = await createUser("page-reset");
    await postForm("/forgot-password", { email: user.email });
    const token = await mailedToken(user.email, "/reset-password");
    const form = await page(`/reset-password?token=${token}`);
    expect(await form.text()).toContain('<label for="password_confirm"');

    const mismatch = await postForm(`/reset-password?token=${token}`, {
      password: "brand-New-passphrase-9",
      password_confirm: "brand-New-passphrase-8",
    });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain("The two passwords do not match.");

    const res = await postForm(`/reset-password?token=${token}`, {
      password: "brand-New-passphrase-9",
      password_confirm: "brand-New-passphrase-9",
    });
    expect([302, 303]).toContain(res.status);
    expect(res.headers.get("location")).toBe("/login?reset=1");
    // Every session ended with the old password.
    expect((await page("/account", user.cookie)).status).toBe(302);
    const login = await postForm("/login", {
      email: user.email,
      password: "brand-New-passphrase-9",
    });
    expect(login.headers.get("set-cookie")).toMatch(/^__Host-folio_session=/);

    const spent = await postForm(`/reset-password?token=${token}`, {
      password: "third-Strong-phrase-11",
      password_confirm: "third-Strong-phrase-11",
    });
    expect(spent.status).toBe(400);
    expect(await spent.text()).toContain("Ask for a new link");
  });
});

describe("development mail page", () => {
  it("exists only in development and tests", async () => {
    const { devMailEnabled } = await import("../../app/utils/dev-mail.server");
    const contextFor = (APP_ENV: string) =>
      ({ cloudflare: { env: { ...env, APP_ENV } } }) as unknown as Parameters<
        typeof devMailEnabled
      >[0];
    expect(devMailEnabled(contextFor("development"))).toBe(true);
    expect(devMailEnabled(contextFor("test"))).toBe(true);
    expect(devMailEnabled(contextFor("staging"))).toBe(false);
    expect(devMailEnabled(contextFor("production"))).toBe(false);
  });

  it("lists the outbox with clickable links in tests", async () => {
    const email = uniqueEmail("page-devmail");
    await postForm("/signup", { name: "Mail reader", email, password: PASSWORD });
    const res = await page("/dev/mail");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Confirm your e-mail for Folio");
    expect(html).toContain(email);
    expect(html).toMatch(/<a href="http[^"]+\/verify-email\?token=[A-Za-z0-9_-]+"/);
  });
});

describe("time zone choices", () => {
  it("offers only zones the runtime (and so the service) accepts", async () => {
    const { COMMON_TIME_ZONES } = await import("../../app/components/timezone-select");
    for (const zone of Object.values(COMMON_TIME_ZONES).flat()) {
      expect(() => new Intl.DateTimeFormat("en", { timeZone: zone })).not.toThrow();
    }
  });
});
