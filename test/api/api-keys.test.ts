import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  asUser,
  createPublication,
  createUser,
  expectProblem,
  invite,
  jsonRequest,
  PASSWORD,
  responseRecorder,
  type TestPublication,
  type TestUser,
  tokenPair,
  uniqueEmail,
} from "../helpers";

/** Every response of this file is kept and checked for leaks. */
const api = responseRecorder();

const KEY_SHAPE = /^folio_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;

interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  secret: string;
}

let owner: TestUser;
let admin: TestUser;
let contributor: TestUser;
let pubA: TestPublication;
let pubB: TestPublication;
let ownerB: TestUser;
/** Every secret this file has been shown, to check none is stored or shown twice. */
const secrets: string[] = [];

beforeAll(async () => {
  owner = await createUser("key-owner");
  ownerB = await createUser("key-owner-b");
  pubA = await createPublication(owner);
  pubB = await createPublication(ownerB);
  admin = await addMember(owner, pubA, "admin");
  contributor = await addMember(owner, pubA, "contributor");
});

async function createKey(
  pub: { slug: string },
  by: TestUser,
  scopes: string[] = ["posts:read"],
  headers: Record<string, string> = {},
): Promise<CreatedKey> {
  const res = await api.call(
    `/api/v1/publications/${pub.slug}/api-keys`,
    jsonRequest("POST", { name: `key ${scopes.join(" ")}`, scopes }, asUser(by, headers)),
  );
  expect(res.status).toBe(201);
  const key = await res.json<CreatedKey>();
  secrets.push(key.secret);
  return key;
}

const bearer = (secret: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${secret}` },
});

const listKeys = async (pub: { slug: string }, by: TestUser) => {
  const res = await api.call(`/api/v1/publications/${pub.slug}/api-keys`, {
    headers: asUser(by),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, data: (JSON.parse(text) as { data: Record<string, unknown>[] }).data };
};

const keyRow = (id: string) =>
  env.DB.prepare("SELECT * FROM api_keys WHERE id = ?1")
    .bind(id)
    .first<{ secret_hash: string; prefix: string; last_used_at: string | null }>();

describe("creating and listing keys", () => {
  it("shows the secret once, in the create response only", async () => {
    const res = await api.call(
      `/api/v1/publications/${pubA.slug}/api-keys`,
      jsonRequest(
        "POST",
        { name: "Static site", scopes: ["posts:read", "posts:read", "media:write"] },
        asUser(admin),
      ),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const key = await res.json<CreatedKey>();
    secrets.push(key.secret);
    expect(key.secret).toMatch(KEY_SHAPE);
    expect(key.prefix).toBe(key.secret.slice(0, "folio_".length + 8));
    expect(key.scopes).toEqual(["media:write", "posts:read"]);
    expect(key.last_used_at).toBeNull();

    const row = await keyRow(key.id);
    expect(row!.secret_hash).not.toContain(key.secret);
    expect(row!.secret_hash).not.toContain(key.secret.split("_").pop());

    const list = await listKeys(pubA, owner);
    const listed = list.data.find((k) => k.id === key.id);
    expect(listed).toEqual({
      id: key.id,
      name: "Static site",
      prefix: key.prefix,
      scopes: ["media:write", "posts:read"],
      created_at: key.created_at,
      last_used_at: null,
      revoked_at: null,
    });
    for (const k of list.data) expect(Object.keys(k)).not.toContain("secret");
    expect(list.text).not.toContain(key.secret);
    expect(list.text).not.toContain(row!.secret_hash);

    expect(api.texts.filter((t) => t.includes(key.secret))).toHaveLength(1);
  });

  it("refuses unknown or missing scopes and an empty name (422)", async () => {
    const before = (await listKeys(pubA, owner)).data.length;
    for (const body of [
      { name: "x", scopes: ["root"] },
      { name: "x", scopes: [] },
      { name: " ", scopes: ["posts:read"] },
      { name: "x" },
    ]) {
      await expectProblem(
        await api.call(
          `/api/v1/publications/${pubA.slug}/api-keys`,
          jsonRequest("POST", body, asUser(owner)),
        ),
        422,
        "validation_failed",
      );
    }
    expect((await listKeys(pubA, owner)).data).toHaveLength(before);
  });

  it("a member signed in with an access token manages keys like with a cookie", async () => {
    const { access_token } = await tokenPair(admin.email, PASSWORD);
    const res = await api.call(`/api/v1/publications/${pubA.slug}/api-keys`, bearer(access_token));
    expect(res.status).toBe(200);
    const denied = await api.call(
      `/api/v1/publications/${pubA.slug}/api-keys`,
      bearer((await tokenPair(contributor.email, PASSWORD)).access_token),
    );
    await expectProblem(denied, 403, "forbidden");
  });
});

describe("authenticating with a key", () => {
  let reader: CreatedKey;
  let mediaOnly: CreatedKey;
  let invitationId: string;
  beforeAll(async () => {
    reader = await createKey(pubA, owner, ["posts:read"]);
    mediaOnly = await createKey(pubA, owner, ["media:write"]);
    invitationId = (await invite(owner, pubA, uniqueEmail("pending"), "editor")).id;
  });

  it("reads its own publication by slug or id with posts:read", async () => {
    for (const ref of [pubA.slug, pubA.id]) {
      const res = await api.call(`/api/v1/publications/${ref}`, bearer(reader.secret));
      expect(res.status).toBe(200);
      const body = await res.json<{ id: string; role?: string }>();
      expect(body.id).toBe(pubA.id);
      expect(body.role).toBeUndefined(); // keys act through scopes, not a role
    }
    const list = await api.call("/api/v1/publications", bearer(reader.secret));
    const { data } = await list.json<{ data: { id: string }[] }>();
    expect(data.map((p) => p.id)).toEqual([pubA.id]);
  });

  it("without posts:read it cannot read the publication (403 insufficient_scope)", async () => {
    await expectProblem(
      await api.call(`/api/v1/publications/${pubA.slug}`, bearer(mediaOnly.secret)),
      403,
      "insufficient_scope",
    );
  });

  const base = () => `/api/v1/publications/${pubA.slug}`;
  it.each<[string, string, () => string, (() => unknown)?]>([
    ["PATCH", "publication", () => base(), () => ({ name: "Hijacked" })],
    ["GET", "members", () => `${base()}/members`],
    [
      "PATCH",
      "member role",
      () => `${base()}/members/${contributor.id}`,
      () => ({ role: "admin" }),
    ],
    ["DELETE", "member", () => `${base()}/members/${contributor.id}`],
    ["GET", "invitations", () => `${base()}/invitations`],
    ["DELETE", "invitation", () => `${base()}/invitations/${invitationId}`],
    [
      "POST",
      "invitations",
      () => `${base()}/invitations`,
      () => ({ email: uniqueEmail("via-key"), role: "admin" }),
    ],
    ["GET", "api-keys", () => `${base()}/api-keys`],
    [
      "POST",
      "api-keys",
      () => `${base()}/api-keys`,
      () => ({ name: "child", scopes: ["posts:read"] }),
    ],
    ["DELETE", "api-key", () => `${base()}/api-keys/${mediaOnly.id}`],
  ])("%s %s with a key → 403 insufficient_scope", async (method, _, path, body) => {
    const before = await state();
    const init = body === undefined ? { method } : jsonRequest(method, body());
    await expectProblem(
      await api.call(path(), bearer(reader.secret, init)),
      403,
      "insufficient_scope",
    );
    expect(await state()).toEqual(before);
  });

  it.each<[string, string, () => string, (() => unknown)?]>([
    ["DELETE", "publication", () => base()],
    ["POST", "transfer", () => `${base()}/transfer`, () => ({ user_id: contributor.id })],
    ["POST", "leave", () => `${base()}/leave`],
  ])("%s %s with a key → 403 (needs a person)", async (method, _, path, body) => {
    const before = await state();
    const init = body === undefined ? { method } : jsonRequest(method, body());
    await expectProblem(await api.call(path(), bearer(reader.secret, init)), 403, "forbidden");
    expect(await state()).toEqual(before);
  });

  it("cannot accept an invitation", async () => {
    const { token } = await invite(owner, pubA, uniqueEmail("key-invitee"), "author");
    await expectProblem(
      await api.call(
        "/api/v1/me/invitations/accept",
        bearer(reader.secret, jsonRequest("POST", { token })),
      ),
      403,
    );
  });

  it("a key of publication A gets 404 for publication B", async () => {
    const before = await snapshotB();
    for (const path of [
      `/api/v1/publications/${pubB.slug}`,
      `/api/v1/publications/${pubB.id}`,
      `/api/v1/publications/${pubB.slug}/members`,
      `/api/v1/publications/${pubB.slug}/api-keys`,
    ]) {
      await expectProblem(await api.call(path, bearer(reader.secret)), 404, "not_found");
    }
    await expectProblem(
      await api.call(
        `/api/v1/publications/${pubB.slug}`,
        bearer(reader.secret, jsonRequest("PATCH", { name: "Hijacked" })),
      ),
      404,
    );
    expect(await snapshotB()).toEqual(before);
  });

  it("records last_used_at after use", async () => {
    const key = await createKey(pubA, owner, ["posts:read"]);
    expect((await keyRow(key.id))!.last_used_at).toBeNull();
    const started = new Date(Date.now() - 1000).toISOString();
    expect((await api.call(`/api/v1/publications/${pubA.slug}`, bearer(key.secret))).status).toBe(
      200,
    );
    // Written with waitUntil after the response: poll briefly.
    let lastUsed: string | null = null;
    for (let i = 0; i < 50 && !lastUsed; i++) {
      lastUsed = (await keyRow(key.id))!.last_used_at;
      if (!lastUsed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastUsed).not.toBeNull();
    expect(lastUsed! >= started).toBe(true);
    const listed = (await listKeys(pubA, owner)).data.find((k) => k.id === key.id);
    expect(listed?.last_used_at).toBe(lastUsed);
  });

  it("a revoked key is refused with 401", async () => {
    const key = await createKey(pubA, owner, ["posts:read"]);
    expect((await api.call(`/api/v1/publications/${pubA.slug}`, bearer(key.secret))).status).toBe(
      200,
    );
    const del = await api.call(`/api/v1/publications/${pubA.slug}/api-keys/${key.id}`, {
      method: "DELETE",
      headers: asUser(admin),
    });
    expect(del.status).toBe(204);
    const res = await api.call(`/api/v1/publications/${pubA.slug}`, bearer(key.secret));
    await expectProblem(res, 401, "invalid_token");
    expect(res.headers.get("www-authenticate")).toContain("invalid_token");
    const listed = (await listKeys(pubA, owner)).data.find((k) => k.id === key.id);
    expect(listed?.revoked_at).toEqual(expect.any(String));
  });

  it("a malformed or unknown key is refused with 401", async () => {
    const tampered = `${reader.secret.slice(0, -1)}${reader.secret.endsWith("A") ? "B" : "A"}`;
    const unknown = `folio_abcdefgh_${"x".repeat(43)}`;
    for (const authorization of [
      "Bearer folio_",
      "Bearer folio_short",
      `Bearer ${unknown}`,
      `Bearer ${tampered}`,
      `Bearer ${reader.secret}x`,
      `Bearer ${reader.secret.toUpperCase()}`,
      "Bearer",
      `Basic ${reader.secret}`,
    ]) {
      const res = await api.call(`/api/v1/publications/${pubA.slug}`, {
        headers: { authorization },
      });
      await expectProblem(res, 401);
      expect(res.headers.get("www-authenticate")).toBeTruthy();
    }
  });
});

/** Membership, invitations and keys of publication A, to show a refused call changed nothing. */
async function state() {
  const rows = async (sql: string) => (await env.DB.prepare(sql).bind(pubA.id).all()).results;
  return {
    pub: await rows("SELECT name, description, timezone FROM publications WHERE id = ?1"),
    members: await rows(
      "SELECT user_id, role FROM memberships WHERE publication_id = ?1 ORDER BY user_id",
    ),
    invitations: await rows(
      "SELECT id, revoked_at FROM invitations WHERE publication_id = ?1 ORDER BY id",
    ),
    keys: await rows("SELECT id, revoked_at FROM api_keys WHERE publication_id = ?1 ORDER BY id"),
  };
}

async function snapshotB() {
  const rows = async (sql: string) => (await env.DB.prepare(sql).bind(pubB.id).all()).results;
  return {
    pub: await rows("SELECT * FROM publications WHERE id = ?1"),
    members: await rows("SELECT user_id, role FROM memberships WHERE publication_id = ?1"),
  };
}

describe("audit log", () => {
  const auditRows = (action: string, targetId: string) =>
    env.DB.prepare(
      "SELECT publication_id, actor_user_id, actor_key_id, target_id, metadata FROM audit_log WHERE action = ?1 AND target_id = ?2",
    )
      .bind(action, targetId)
      .all<{
        publication_id: string;
        actor_user_id: string | null;
        actor_key_id: string | null;
        target_id: string;
        metadata: string;
      }>()
      .then((r) => r.results);

  it("records key creation and revocation with the actor and no secret", async () => {
    const key = await createKey(pubA, admin, ["posts:read", "audit:read"]);
    const del = await api.call(`/api/v1/publications/${pubA.slug}/api-keys/${key.id}`, {
      method: "DELETE",
      headers: asUser(owner),
    });
    expect(del.status).toBe(204);

    const created = await auditRows("api_key.created", key.id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      publication_id: pubA.id,
      actor_user_id: admin.id,
      actor_key_id: null,
    });
    expect(JSON.parse(created[0]!.metadata)).toMatchObject({
      name: key.name,
      scopes: ["audit:read", "posts:read"],
    });
    const revoked = await auditRows("api_key.revoked", key.id);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ publication_id: pubA.id, actor_user_id: owner.id });

    const hash = (await keyRow(key.id))!.secret_hash;
    for (const row of [...created, ...revoked]) {
      expect(row.metadata).not.toContain("folio_");
      expect(row.metadata).not.toContain(key.secret);
      expect(row.metadata).not.toContain(hash);
    }
  });

  it("records role changes with the actor, old and new role", async () => {
    const member = await addMember(owner, pubA, "contributor");
    const change = (by: TestUser, role: string) =>
      api.call(
        `/api/v1/publications/${pubA.slug}/members/${member.id}`,
        jsonRequest("PATCH", { role }, asUser(by)),
      );
    expect((await change(admin, "author")).status).toBe(200);
    expect((await change(owner, "editor")).status).toBe(200);
    // A refused change leaves no trace.
    await expectProblem(await change(admin, "admin"), 403);

    const rows = await auditRows("member.role_changed", member.id);
    expect(
      rows.map((r) => ({
        actor: r.actor_user_id,
        ...JSON.parse(r.metadata),
        pub: r.publication_id,
      })),
    ).toEqual([
      { actor: admin.id, from: "contributor", to: "author", pub: pubA.id },
      { actor: owner.id, from: "author", to: "editor", pub: pubA.id },
    ]);
  });

  it("no audit row anywhere holds a key secret or a stored hash", async () => {
    const all = await env.DB.prepare("SELECT metadata FROM audit_log").all<{ metadata: string }>();
    const hashes = await env.DB.prepare("SELECT secret_hash FROM api_keys").all<{
      secret_hash: string;
    }>();
    expect(secrets.length).toBeGreaterThan(3);
    for (const { metadata } of all.results) {
      expect(metadata).not.toContain("folio_");
      for (const s of secrets) expect(metadata).not.toContain(s.split("_").pop());
      for (const h of hashes.results) expect(metadata).not.toContain(h.secret_hash);
    }
  });

  it("a refused revocation records nothing", async () => {
    const key = await createKey(pubA, owner);
    const revoke = (pub: { slug: string }, by: TestUser) =>
      api.call(`/api/v1/publications/${pub.slug}/api-keys/${key.id}`, {
        method: "DELETE",
        headers: asUser(by),
      });
    expect((await revoke(pubA, owner)).status).toBe(204);
    await expectProblem(await revoke(pubA, owner), 404); // already revoked
    await expectProblem(await revoke(pubB, ownerB), 404); // B's owner, A's key
    expect(await auditRows("api_key.revoked", key.id)).toHaveLength(1);
  });
});

describe("idempotent key creation", () => {
  it("does not store the plaintext secret anywhere", async () => {
    const key = await createKey(pubA, owner, ["posts:read"], {
      "idempotency-key": `key-${crypto.randomUUID()}`,
    });
    const tables = ["api_keys", "audit_log", "idempotency_keys", "outbox"];
    for (const table of tables) {
      const { results } = await env.DB.prepare(`SELECT * FROM ${table}`).all();
      expect(JSON.stringify(results)).not.toContain(key.secret);
    }
  });

  it("replays the create for the same Idempotency-Key without a second key", async () => {
    const headers = { "idempotency-key": `key-${crypto.randomUUID()}` };
    const before = (await listKeys(pubA, owner)).data.length;
    const body = { name: "Retry", scopes: ["posts:read"] };
    const send = () =>
      api.call(
        `/api/v1/publications/${pubA.slug}/api-keys`,
        jsonRequest("POST", body, asUser(owner, headers)),
      );
    const first = await send();
    expect(first.status).toBe(201);
    const second = await send();
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect((await second.json<{ id: string }>()).id).toBe((await first.json<{ id: string }>()).id);
    expect((await listKeys(pubA, owner)).data).toHaveLength(before + 1);
  });
});

describe("responses never leak", () => {
  it("no response holds an e-mail address, password hash or stored secret hash", async () => {
    await api.expectNoLeaks();
    // Each secret was shown exactly once, except the idempotent replay above.
    for (const s of secrets) expect(api.texts.filter((t) => t.includes(s))).toHaveLength(1);
  });
});
