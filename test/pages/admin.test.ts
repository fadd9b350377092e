import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, createUser, mailedToken, ORIGIN, type TestUser } from "../helpers";

// Each test signs up real users (scrypt hashing, as in production): give a busy machine room.
vi.setConfig({ testTimeout: 20_000 });

/** A no-JavaScript form post, as a browser sends it from one of our pages. */
function postForm(
  path: string,
  fields: Record<string, string | string[]>,
  user?: { cookie: string },
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
      ...(user ? { cookie: user.cookie } : {}),
    },
  });
}

const page = (path: string, user?: { cookie: string }) =>
  call(path, { redirect: "manual", headers: user ? { cookie: user.cookie } : {} });

const uniqueSlug = (tag: string) => `${tag}-${crypto.randomUUID().slice(0, 8)}`;

/** Creates a publication through the /admin form and returns its slug. */
async function newPublication(owner: TestUser, tag = "pub"): Promise<string> {
  const slug = uniqueSlug(tag);
  const res = await postForm(
    "/admin",
    { intent: "create", name: `The ${tag} Times`, slug, description: "", timezone: "UTC" },
    owner,
  );
  expect([302, 303]).toContain(res.status);
  expect(res.headers.get("location")).toBe(`/admin/${slug}`);
  return slug;
}

/** Invites `invitee` with `role` and has them accept through the pages. */
async function join(slug: string, owner: TestUser, invitee: TestUser, role: string) {
  const invited = await postForm(
    `/admin/${slug}/members`,
    { intent: "invite", email: invitee.email, role },
    owner,
  );
  expect(invited.status).toBe(200);
  const token = await mailedToken(invitee.email, "/invitations/accept");
  const accepted = await postForm(`/invitations/accept?token=${token}`, {}, invitee);
  expect(accepted.headers.get("location")).toBe(`/admin/${slug}`);
}

describe("/admin", () => {
  it("creates a publication and lists it as a card", async () => {
    const owner = await createUser("adm-owner");
    const slug = await newPublication(owner, "cards");
    const res = await page("/admin", owner);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const html = await res.text();
    expect(html).toContain(`href="/admin/${slug}"`);
    expect(html).toContain("The cards Times");
  });

  it("refuses a reserved or taken address with a field error and keeps the values", async () => {
    const owner = await createUser("adm-slug");
    const reserved = await postForm(
      "/admin",
      { intent: "create", name: "Mine", slug: "admin", timezone: "UTC" },
      owner,
    );
    expect(reserved.status).toBe(422);
    const html = await reserved.text();
    expect(html).toContain("That address is reserved.");
    expect(html).toMatch(/<input[^>]+id="slug"[^>]+aria-invalid="true"/);
    expect(html).toContain('value="Mine"');

    const slug = await newPublication(owner, "taken");
    const taken = await postForm(
      "/admin",
      { intent: "create", name: "Again", slug, timezone: "UTC" },
      owner,
    );
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("That address is taken.");
  });

  it("sends a signed-out visitor to log in", async () => {
    const res = await page("/admin/anything/members");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fadmin%2Fanything%2Fmembers");
  });
});

describe("/admin/{pub}", () => {
  it("shows the dashboard with every section to the owner", async () => {
    const owner = await createUser("adm-dash");
    const slug = await newPublication(owner, "dash");
    const res = await page(`/admin/${slug}`, owner);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const html = await res.text();
    expect(html).toContain("<title>Dashboard · The dash Times — Folio</title>");
    for (const section of ["members", "api-keys", "settings"]) {
      expect(html).toContain(`href="/admin/${slug}/${section}"`);
    }
  });

  it("answers 404 with the friendly page to a non-member, on every section", async () => {
    const owner = await createUser("adm-404-owner");
    const stranger = await createUser("adm-404-stranger");
    const slug = await newPublication(owner, "private");
    for (const path of ["", "/members", "/api-keys", "/settings"]) {
      const res = await page(`/admin/${slug}${path}`, stranger);
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain("Page not found");
      expect(html).not.toContain("The private Times");
    }
    // A write is refused the same way.
    const res = await postForm(`/admin/${slug}/settings`, { intent: "delete" }, stranger);
    expect(res.status).toBe(404);
  });

  it("hides what a role may not do and answers 403 when asked directly", async () => {
    const owner = await createUser("adm-role-owner");
    const author = await createUser("adm-role-author");
    const slug = await newPublication(owner, "roles");
    await join(slug, owner, author, "author");

    const html = await (await page(`/admin/${slug}`, author)).text();
    expect(html).not.toContain(`href="/admin/${slug}/members"`);
    expect(html).not.toContain(`href="/admin/${slug}/settings"`);
    expect(html).toContain("Leave The roles Times");
    for (const path of ["/members", "/api-keys", "/settings"]) {
      expect((await page(`/admin/${slug}${path}`, author)).status).toBe(403);
    }
  });
});

describe("members and invitations", () => {
  it("invites, accepts, changes a role, and removes a member", async () => {
    const owner = await createUser("mem-owner");
    const member = await createUser("mem-member");
    const slug = await newPublication(owner, "members");

    const invited = await postForm(
      `/admin/${slug}/members`,
      { intent: "invite", email: member.email, role: "editor" },
      owner,
    );
    const invitedHtml = await invited.text();
    expect(invitedHtml).toMatch(/Invitation sent to m\*+@example\.com\./);
    // The pending list masks the address.
    expect(invitedHtml).not.toContain(member.email);

    const token = await mailedToken(member.email, "/invitations/accept");
    const signedOut = await (await page(`/invitations/accept?token=${token}`)).text();
    const back = encodeURIComponent(`/invitations/accept?token=${token}`);
    expect(signedOut).toContain(`href="/login?redirectTo=${back}"`);
    expect(signedOut).toContain(`href="/signup?redirectTo=${back}"`);

    const accepted = await postForm(`/invitations/accept?token=${token}`, {}, member);
    expect([302, 303]).toContain(accepted.status);
    expect(accepted.headers.get("location")).toBe(`/admin/${slug}`);

    const list = await (await page(`/admin/${slug}/members`, owner)).text();
    expect(list).toContain(`name="user_id" value="${member.id}"`);

    const changed = await postForm(
      `/admin/${slug}/members`,
      { intent: "change-role", user_id: member.id, role: "author" },
      owner,
    );
    expect(await changed.text()).toContain("Role changed.");
    const role = await env.DB.prepare(
      "SELECT role FROM memberships WHERE user_id = ?1 AND publication_id = (SELECT id FROM publications WHERE slug = ?2)",
    )
      .bind(member.id, slug)
      .first<{ role: string }>();
    expect(role?.role).toBe("author");

    const removed = await postForm(
      `/admin/${slug}/members`,
      { intent: "remove", user_id: member.id },
      owner,
    );
    expect(await removed.text()).toContain("Member removed.");
    expect((await page(`/admin/${slug}`, member)).status).toBe(404);
  });

  it("explains an invitation opened by the wrong account, and a bad link", async () => {
    const owner = await createUser("mem-wrong-owner");
    const invitee = await createUser("mem-wrong-invitee");
    const other = await createUser("mem-wrong-other");
    const slug = await newPublication(owner, "wrong");
    await postForm(
      `/admin/${slug}/members`,
      { intent: "invite", email: invitee.email, role: "author" },
      owner,
    );
    const token = await mailedToken(invitee.email, "/invitations/accept");
    const res = await postForm(`/invitations/accept?token=${token}`, {}, other);
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("This invitation was sent to a different e-mail address.");
    expect(html).toContain("Log out and switch account");

    const bad = await postForm("/invitations/accept?token=not-a-real-token-at-all", {}, other);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("This invitation is invalid, expired or already used.");
  });

  it("lets a member leave, but not the owner", async () => {
    const owner = await createUser("mem-leave-owner");
    const member = await createUser("mem-leave-member");
    const slug = await newPublication(owner, "leave");
    await join(slug, owner, member, "contributor");

    const left = await postForm(`/admin/${slug}?index`, { intent: "leave" }, member);
    expect(left.headers.get("location")).toBe("/admin?notice=left");
    expect(await (await page("/admin?notice=left", member)).text()).toContain(
      "You left the publication.",
    );
    const refused = await postForm(`/admin/${slug}/members`, { intent: "leave" }, owner);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("Transfer ownership to another member before leaving.");
  });

  it("transfers ownership only when confirmed", async () => {
    const owner = await createUser("mem-transfer-owner");
    const heir = await createUser("mem-transfer-heir");
    const slug = await newPublication(owner, "transfer");
    await join(slug, owner, heir, "admin");

    const unconfirmed = await postForm(
      `/admin/${slug}/members`,
      { intent: "transfer", user_id: heir.id },
      owner,
    );
    expect(unconfirmed.status).toBe(422);
    expect(await unconfirmed.text()).toContain("Tick the box to confirm the transfer.");

    const done = await postForm(
      `/admin/${slug}/members`,
      { intent: "transfer", user_id: heir.id, confirm: "yes" },
      owner,
    );
    expect(await done.text()).toContain("Ownership transferred.");
    const dash = await (await page(`/admin/${slug}`, heir)).text();
    expect(dash).toMatch(/<span class="badge" title="Your role">owner<\/span>/);
  });
});

describe("API keys", () => {
  it("shows the secret in the POST response only, never on a later GET", async () => {
    const owner = await createUser("keys-owner");
    const slug = await newPublication(owner, "keys");
    const res = await postForm(
      `/admin/${slug}/api-keys`,
      { intent: "create", name: "Newsletter sync", "scopes[]": ["posts:read", "posts:publish"] },
      owner,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const html = await res.text();
    const secret = /folio_[a-z0-9]{8}_[A-Za-z0-9_-]{43}/.exec(html)?.[0];
    expect(secret).toBeTruthy();
    expect(html).toContain("Copy it now; it will not be shown again.");

    // The key works against the API.
    const api = await call(`/api/v1/publications/${slug}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(api.status).toBe(200);

    const later = await (await page(`/admin/${slug}/api-keys`, owner)).text();
    expect(later).toContain("Newsletter sync");
    expect(later).toContain(secret!.slice(0, 14)); // the prefix
    expect(later).not.toContain(secret!);
    expect(later).not.toContain("Copy it now");
  });

  it("asks for a scope in words, keeping the name", async () => {
    const owner = await createUser("keys-scope");
    const slug = await newPublication(owner, "scopes");
    const res = await postForm(`/admin/${slug}/api-keys`, { intent: "create", name: "CI" }, owner);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Choose at least one scope.");
    expect(html).toContain('value="CI"');
    expect(html).not.toMatch(/folio_[a-z0-9]{8}_/);
  });

  it("revokes a key", async () => {
    const owner = await createUser("keys-revoke");
    const slug = await newPublication(owner, "revoke");
    await postForm(
      `/admin/${slug}/api-keys`,
      { intent: "create", name: "Old", "scopes[]": "posts:read" },
      owner,
    );
    const listed = await (await page(`/admin/${slug}/api-keys`, owner)).text();
    const id = /name="key_id" value="([^"]+)"/.exec(listed)?.[1];
    expect(id).toBeTruthy();
    const res = await postForm(`/admin/${slug}/api-keys`, { intent: "revoke", key_id: id! }, owner);
    const html = await res.text();
    expect(html).toContain("Key revoked.");
    expect(html).toContain(">Revoked</span>");
  });
});

describe("settings", () => {
  it("saves the details, clearing the description when emptied", async () => {
    const owner = await createUser("set-save");
    const slug = await newPublication(owner, "settings");
    const res = await postForm(
      `/admin/${slug}/settings`,
      {
        intent: "update",
        name: "Renamed",
        description: "",
        locale: "pt-BR",
        timezone: "America/Sao_Paulo",
      },
      owner,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Settings saved.");
    const row = await env.DB.prepare(
      "SELECT name, description, locale, timezone FROM publications WHERE slug = ?1",
    )
      .bind(slug)
      .first();
    expect(row).toEqual({
      name: "Renamed",
      description: "",
      locale: "pt-BR",
      timezone: "America/Sao_Paulo",
    });

    const bad = await postForm(
      `/admin/${slug}/settings`,
      { intent: "update", name: "Renamed", locale: "english", timezone: "Mars/Olympus" },
      owner,
    );
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Use a locale like en or pt-BR.");
    expect(html).toContain("Unknown time zone.");
  });

  it("deletes only when the address is typed", async () => {
    const owner = await createUser("set-delete");
    const slug = await newPublication(owner, "doomed");
    const wrong = await postForm(
      `/admin/${slug}/settings`,
      { intent: "delete", confirm_slug: "something-else" },
      owner,
    );
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain(`Type ${slug} to confirm.`);

    const res = await postForm(
      `/admin/${slug}/settings`,
      { intent: "delete", confirm_slug: slug },
      owner,
    );
    expect(res.headers.get("location")).toBe("/admin?notice=deleted");
    expect((await page(`/admin/${slug}`, owner)).status).toBe(404);
  });
});
