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
  ORIGIN,
  ROLE_NAMES,
  type Role,
  responseRecorder,
  type TestPublication,
  type TestUser,
  uniqueEmail,
  uniqueSlug,
} from "../helpers";

/** Every response of this file is kept and checked for leaks at the end. */
const api = responseRecorder();

const MANAGERS: Role[] = ["owner", "admin"];
const EVERYONE: Role[] = [...ROLE_NAMES];

/** Users reused across publications: a user can hold a different role in each. */
let people: Record<Role | "target", TestUser>;

beforeAll(async () => {
  people = {
    owner: await createUser("owner"),
    admin: await createUser("admin"),
    editor: await createUser("editor"),
    author: await createUser("author"),
    contributor: await createUser("contributor"),
    target: await createUser("target"),
  };
});

/**
 * A publication owned by `people.owner` with a member per role in `roles`, a
 * contributor (`people.target`) to act on, a pending invitation and an active
 * API key.
 */
interface World {
  pub: TestPublication;
  owner: TestUser;
  target: TestUser;
  invitationId: string;
  keyId: string;
}

async function buildWorld(roles: Role[]): Promise<World> {
  const owner = people.owner;
  const pub = await createPublication(owner);
  for (const role of roles) {
    if (role !== "owner") await addMember(owner, pub, role, people[role]);
  }
  await addMember(owner, pub, "contributor", people.target);
  const { id: invitationId } = await invite(owner, pub, uniqueEmail("pending"), "editor");
  const key = await api.call(
    `/api/v1/publications/${pub.slug}/api-keys`,
    jsonRequest("POST", { name: "Fixture", scopes: ["posts:read"] }, asUser(owner)),
  );
  expect(key.status).toBe(201);
  const { id: keyId } = await key.json<{ id: string }>();
  return { pub, owner, target: people.target, invitationId, keyId };
}

/** Everything the membership endpoints can change, read straight from D1. */
async function snapshot(pubId: string) {
  const rows = async (sql: string) => (await env.DB.prepare(sql).bind(pubId).all()).results;
  return {
    publication: await rows("SELECT * FROM publications WHERE id = ?1"),
    members: await rows(
      "SELECT user_id, role FROM memberships WHERE publication_id = ?1 ORDER BY user_id",
    ),
    invitations: await rows(
      "SELECT id, email, role, accepted_at, revoked_at FROM invitations WHERE publication_id = ?1 ORDER BY id",
    ),
    keys: await rows("SELECT id, revoked_at FROM api_keys WHERE publication_id = ?1 ORDER BY id"),
  };
}

const roleOf = async (pubId: string, userId: string) =>
  (
    await env.DB.prepare("SELECT role FROM memberships WHERE publication_id = ?1 AND user_id = ?2")
      .bind(pubId, userId)
      .first<{ role: string }>()
  )?.role ?? null;

function send(user: TestUser, method: string, path: string, body?: unknown) {
  return body === undefined
    ? api.call(path, { method, headers: asUser(user) })
    : api.call(path, jsonRequest(method, body, asUser(user)));
}

interface Endpoint {
  name: string;
  /** Roles that succeed; every other role gets 403 unless listed in `otherwise`. */
  allowed: Role[];
  ok: 200 | 201 | 204;
  /** Answers other than 403 for roles outside `allowed`. */
  otherwise?: Partial<Record<Role, { status: number; code: string }>>;
  /** A successful call changes the world, so it gets a fresh one. */
  mutates: boolean;
  request: (w: World) => { method: string; path: string; body?: unknown };
  /** What a successful call must have done. */
  check?: (w: World) => Promise<void>;
}

const base = (w: World) => `/api/v1/publications/${w.pub.slug}`;

/** The role table of DESIGN.md for the membership and key endpoints. */
const ENDPOINTS: Endpoint[] = [
  {
    name: "GET publication",
    allowed: EVERYONE,
    ok: 200,
    mutates: false,
    request: (w) => ({ method: "GET", path: base(w) }),
  },
  {
    name: "PATCH publication",
    allowed: MANAGERS,
    ok: 200,
    mutates: true,
    request: (w) => ({ method: "PATCH", path: base(w), body: { name: "Renamed" } }),
    check: async (w) => expect((await snapshot(w.pub.id)).publication[0]?.name).toBe("Renamed"),
  },
  {
    name: "DELETE publication",
    allowed: ["owner"],
    ok: 204,
    mutates: true,
    request: (w) => ({ method: "DELETE", path: base(w) }),
    check: async (w) => {
      const after = await snapshot(w.pub.id);
      expect(after.publication).toEqual([]);
      expect(after.members).toEqual([]);
    },
  },
  {
    name: "POST transfer",
    allowed: ["owner"],
    ok: 204,
    mutates: true,
    request: (w) => ({
      method: "POST",
      path: `${base(w)}/transfer`,
      body: { user_id: w.target.id },
    }),
    check: async (w) => {
      expect(await roleOf(w.pub.id, w.target.id)).toBe("owner");
      expect(await roleOf(w.pub.id, w.owner.id)).toBe("admin");
    },
  },
  {
    name: "GET members",
    allowed: MANAGERS,
    ok: 200,
    mutates: false,
    request: (w) => ({ method: "GET", path: `${base(w)}/members` }),
  },
  {
    name: "PATCH member role",
    allowed: MANAGERS,
    ok: 200,
    mutates: true,
    request: (w) => ({
      method: "PATCH",
      path: `${base(w)}/members/${w.target.id}`,
      body: { role: "author" },
    }),
    check: async (w) => expect(await roleOf(w.pub.id, w.target.id)).toBe("author"),
  },
  {
    name: "DELETE member",
    allowed: MANAGERS,
    ok: 204,
    mutates: true,
    request: (w) => ({ method: "DELETE", path: `${base(w)}/members/${w.target.id}` }),
    check: async (w) => expect(await roleOf(w.pub.id, w.target.id)).toBeNull(),
  },
  {
    name: "POST leave",
    allowed: ["admin", "editor", "author", "contributor"],
    ok: 204,
    otherwise: { owner: { status: 409, code: "owner_cannot_leave" } },
    mutates: true,
    request: (w) => ({ method: "POST", path: `${base(w)}/leave` }),
  },
  {
    name: "GET invitations",
    allowed: MANAGERS,
    ok: 200,
    mutates: false,
    request: (w) => ({ method: "GET", path: `${base(w)}/invitations` }),
  },
  {
    name: "POST invitations",
    allowed: MANAGERS,
    ok: 201,
    mutates: true,
    request: (w) => ({
      method: "POST",
      path: `${base(w)}/invitations`,
      body: { email: uniqueEmail("invitee"), role: "author" },
    }),
  },
  {
    name: "DELETE invitation",
    allowed: MANAGERS,
    ok: 204,
    mutates: true,
    request: (w) => ({ method: "DELETE", path: `${base(w)}/invitations/${w.invitationId}` }),
    check: async (w) => {
      const { invitations } = await snapshot(w.pub.id);
      const revoked = invitations.find((i) => i.id === w.invitationId);
      expect(revoked?.revoked_at).toEqual(expect.any(String));
    },
  },
  {
    name: "GET api-keys",
    allowed: MANAGERS,
    ok: 200,
    mutates: false,
    request: (w) => ({ method: "GET", path: `${base(w)}/api-keys` }),
  },
  {
    name: "POST api-keys",
    allowed: MANAGERS,
    ok: 201,
    mutates: true,
    request: (w) => ({
      method: "POST",
      path: `${base(w)}/api-keys`,
      body: { name: "CI", scopes: ["posts:read"] },
    }),
  },
  {
    name: "DELETE api-key",
    allowed: MANAGERS,
    ok: 204,
    mutates: true,
    request: (w) => ({ method: "DELETE", path: `${base(w)}/api-keys/${w.keyId}` }),
    check: async (w) => {
      const { keys } = await snapshot(w.pub.id);
      expect(keys.find((k) => k.id === w.keyId)?.revoked_at).toEqual(expect.any(String));
    },
  },
];

function expected(e: Endpoint, role: Role): { status: number; code?: string } {
  if (e.allowed.includes(role)) return { status: e.ok };
  return e.otherwise?.[role] ?? { status: 403, code: "forbidden" };
}

describe("role matrix", () => {
  // Denied calls and reads share one publication; a successful write gets its own.
  let shared: World;
  beforeAll(async () => {
    shared = await buildWorld(EVERYONE);
  });

  describe.each(ENDPOINTS)("$name", (e) => {
    it.each(ROLE_NAMES.map((role) => ({ role, ...expected(e, role) })))(
      "$role → $status",
      async ({ role, status, code }) => {
        const world = status < 300 && e.mutates ? await buildWorld([role]) : shared;
        const actor = role === "owner" ? world.owner : people[role];
        const before = await snapshot(world.pub.id);
        const { method, path, body } = e.request(world);
        const res = await send(actor, method, path, body);

        if (status >= 400) {
          await expectProblem(res, status, code);
          expect(await snapshot(world.pub.id)).toEqual(before);
        } else {
          expect(res.status).toBe(status);
          if (status === 204) expect(await res.text()).toBe("");
          await e.check?.(world);
          if (e.name === "POST leave") expect(await roleOf(world.pub.id, actor.id)).toBeNull();
        }
      },
    );
  });
});

describe("another tenant's publication", () => {
  let b: World;
  let outsider: TestUser;
  let own: TestPublication;
  beforeAll(async () => {
    b = await buildWorld(EVERYONE);
    outsider = await createUser("outsider");
    own = await createPublication(outsider); // the outsider owns A: the strongest role there
  });

  it.each(ENDPOINTS)("$name on B answers a member of A with 404", async (e) => {
    const before = await snapshot(b.pub.id);
    const { method, path, body } = e.request(b);
    for (const p of [path, path.replace(b.pub.slug, b.pub.id)]) {
      const res = await send(outsider, method, p, body);
      const problem = await expectProblem(res, 404, "not_found");
      expect(JSON.stringify(problem)).not.toContain(b.pub.name);
    }
    expect(await snapshot(b.pub.id)).toEqual(before);
  });

  it("B's members, invitations and keys are not reachable through A's path", async () => {
    const before = await snapshot(b.pub.id);
    const a = `/api/v1/publications/${own.slug}`;
    const attempts: [string, string, unknown?][] = [
      ["PATCH", `${a}/members/${b.target.id}`, { role: "editor" }],
      ["DELETE", `${a}/members/${b.target.id}`],
      ["POST", `${a}/transfer`, { user_id: b.target.id }],
      ["DELETE", `${a}/invitations/${b.invitationId}`],
      ["DELETE", `${a}/api-keys/${b.keyId}`],
    ];
    for (const [method, path, body] of attempts) {
      await expectProblem(await send(outsider, method, path, body), 404);
    }
    expect(await snapshot(b.pub.id)).toEqual(before);
    expect(await roleOf(own.id, outsider.id)).toBe("owner");
  });

  it("lists only the caller's own publications", async () => {
    const res = await send(outsider, "GET", "/api/v1/publications");
    expect(res.status).toBe(200);
    const { data } = await res.json<{ data: { id: string; role: string }[] }>();
    expect(data.map((p) => p.id)).toEqual([own.id]);
    expect(data[0]?.role).toBe("owner");
  });

  it("answers 401 without credentials", async () => {
    await expectProblem(await api.call(`/api/v1/publications/${b.pub.slug}`), 401);
  });
});

describe("role rules", () => {
  it("an admin cannot make anyone an admin", async () => {
    const w = await buildWorld(["admin"]);
    const before = await snapshot(w.pub.id);
    await expectProblem(
      await send(people.admin, "PATCH", `${base(w)}/members/${w.target.id}`, { role: "admin" }),
      403,
      "forbidden",
    );
    await expectProblem(
      await send(people.admin, "POST", `${base(w)}/invitations`, {
        email: uniqueEmail("would-be-admin"),
        role: "admin",
      }),
      403,
      "forbidden",
    );
    expect(await snapshot(w.pub.id)).toEqual(before);
  });

  it("an admin cannot change or remove another admin or the owner", async () => {
    const w = await buildWorld(["admin"]);
    const otherAdmin = await addMember(w.owner, w.pub, "admin", people.editor);
    const before = await snapshot(w.pub.id);
    for (const victim of [otherAdmin, w.owner]) {
      const path = `${base(w)}/members/${victim.id}`;
      await expectProblem(await send(people.admin, "PATCH", path, { role: "editor" }), 403);
      await expectProblem(await send(people.admin, "DELETE", path), 403);
    }
    // Nor themselves: leaving is the way out.
    await expectProblem(
      await send(people.admin, "PATCH", `${base(w)}/members/${people.admin.id}`, {
        role: "contributor",
      }),
      403,
    );
    expect(await snapshot(w.pub.id)).toEqual(before);
  });

  it("nobody can hand out the owner role by PATCH or invitation (422)", async () => {
    const w = await buildWorld(["admin"]);
    const before = await snapshot(w.pub.id);
    for (const actor of [w.owner, people.admin]) {
      const body = await expectProblem(
        await send(actor, "PATCH", `${base(w)}/members/${w.target.id}`, { role: "owner" }),
        422,
        "validation_failed",
      );
      expect(body.errors?.map((x) => x.field)).toEqual(["role"]);
      await expectProblem(
        await send(actor, "POST", `${base(w)}/invitations`, {
          email: uniqueEmail("owner2"),
          role: "owner",
        }),
        422,
      );
    }
    expect(await snapshot(w.pub.id)).toEqual(before);
  });

  it("the owner can promote to admin but not demote themselves", async () => {
    const w = await buildWorld([]);
    const res = await send(w.owner, "PATCH", `${base(w)}/members/${w.target.id}`, {
      role: "admin",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user_id: w.target.id, role: "admin" });
    expect((await send(w.target, "GET", `${base(w)}/members`)).status).toBe(200);
    await expectProblem(
      await send(w.owner, "PATCH", `${base(w)}/members/${w.owner.id}`, { role: "admin" }),
      403,
    );
    expect(await roleOf(w.pub.id, w.owner.id)).toBe("owner");
  });

  it("the owner cannot leave until ownership is transferred; transfer swaps owner and admin", async () => {
    const w = await buildWorld(["admin"]);
    const heir = people.admin;
    await expectProblem(await send(w.owner, "POST", `${base(w)}/leave`), 409, "owner_cannot_leave");

    await expectProblem(
      await send(w.owner, "POST", `${base(w)}/transfer`, { user_id: w.owner.id }),
      409,
    );
    const stranger = await createUser("stranger");
    await expectProblem(
      await send(w.owner, "POST", `${base(w)}/transfer`, { user_id: stranger.id }),
      404,
    );

    const moved = await send(w.owner, "POST", `${base(w)}/transfer`, { user_id: heir.id });
    expect(moved.status).toBe(204);
    const members = await send(heir, "GET", `${base(w)}/members`);
    const { data } = await members.json<{ data: { user_id: string; role: string }[] }>();
    const roles = Object.fromEntries(data.map((m) => [m.user_id, m.role]));
    expect(roles[heir.id]).toBe("owner");
    expect(roles[w.owner.id]).toBe("admin");
    expect(data.filter((m) => m.role === "owner")).toHaveLength(1);

    // The former owner is an admin now: no delete, no transfer, but may leave.
    await expectProblem(await send(w.owner, "DELETE", base(w)), 403);
    await expectProblem(
      await send(w.owner, "POST", `${base(w)}/transfer`, { user_id: w.owner.id }),
      403,
    );
    await expectProblem(await send(heir, "POST", `${base(w)}/leave`), 409, "owner_cannot_leave");
    expect((await send(w.owner, "POST", `${base(w)}/leave`)).status).toBe(204);
    await expectProblem(await send(w.owner, "GET", base(w)), 404);

    const audit = await env.DB.prepare(
      "SELECT actor_user_id, target_id FROM audit_log WHERE publication_id = ?1 AND action = 'publication.ownership_transferred'",
    )
      .bind(w.pub.id)
      .all();
    expect(audit.results).toEqual([{ actor_user_id: w.owner.id, target_id: heir.id }]);
  });
});

describe("invitations", () => {
  let w: World;
  beforeAll(async () => {
    w = await buildWorld([]);
  });
  const accept = (user: TestUser, token: string) =>
    send(user, "POST", "/api/v1/me/invitations/accept", { token });

  it("only the invited address's own verified account can accept", async () => {
    const invitee = await createUser("invitee");
    const { token } = await invite(w.owner, w.pub, invitee.email, "author");

    await expectProblem(await accept(people.editor, token), 403, "wrong_account");
    expect(await roleOf(w.pub.id, people.editor.id)).toBeNull();

    const res = await accept(invitee, token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: w.pub.id, slug: w.pub.slug, role: "author" });
    expect(await roleOf(w.pub.id, invitee.id)).toBe("author");

    // Used once: a replay, by anyone, is an invalid token.
    await expectProblem(await accept(invitee, token), 400, "invalid_token");
    await expectProblem(await accept(people.editor, token), 400, "invalid_token");
  });

  it("an unverified account cannot accept", async () => {
    const unverified = await createUser("unverified", { verify: false });
    const { token } = await invite(w.owner, w.pub, unverified.email, "editor");
    await expectProblem(await accept(unverified, token), 403, "email_not_verified");
    expect(await roleOf(w.pub.id, unverified.id)).toBeNull();
  });

  it("a revoked, expired or unknown invitation is an invalid token", async () => {
    const invitee = await createUser("revoked");
    const revoked = await invite(w.owner, w.pub, invitee.email, "author");
    const del = await send(w.owner, "DELETE", `${base(w)}/invitations/${revoked.id}`);
    expect(del.status).toBe(204);
    await expectProblem(await accept(invitee, revoked.token), 400, "invalid_token");
    await expectProblem(await send(w.owner, "DELETE", `${base(w)}/invitations/${revoked.id}`), 404);

    const expired = await invite(w.owner, w.pub, invitee.email, "author");
    await env.DB.prepare("UPDATE invitations SET expires_at = ?1 WHERE id = ?2")
      .bind(new Date(Date.now() - 1000).toISOString(), expired.id)
      .run();
    await expectProblem(await accept(invitee, expired.token), 400, "invalid_token");

    await expectProblem(await accept(invitee, "x".repeat(43)), 400, "invalid_token");
    expect(await roleOf(w.pub.id, invitee.id)).toBeNull();
  });

  it("accepting needs a signed-in person", async () => {
    const email = uniqueEmail("anon");
    const { token } = await invite(w.owner, w.pub, email, "author");
    const res = await api.call(
      "/api/v1/me/invitations/accept",
      jsonRequest("POST", { token }, { origin: ORIGIN }),
    );
    await expectProblem(res, 401);
  });

  it("lists pending invitations with masked e-mail addresses", async () => {
    const emails = [uniqueEmail("masked"), uniqueEmail("hidden")];
    const created = await send(w.owner, "POST", `${base(w)}/invitations`, {
      email: emails[0],
      role: "contributor",
    });
    expect(created.status).toBe(201);
    expect((await created.json<{ email: string }>()).email).toMatch(/^m\*+@example\.com$/);
    await invite(w.owner, w.pub, emails[1]!, "editor");

    const res = await send(w.owner, "GET", `${base(w)}/invitations`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const text = await res.text();
    const { data } = JSON.parse(text) as { data: { email: string; role: string }[] };
    expect(data.length).toBeGreaterThanOrEqual(2);
    for (const inv of data) expect(inv.email).toMatch(/^[a-z]\*{2,}@example\.com$/);
    for (const email of emails) expect(text).not.toContain(email);
    // Accepted and revoked invitations are not pending any more.
    const pending = await env.DB.prepare(
      "SELECT count(*) AS n FROM invitations WHERE publication_id = ?1 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
      .bind(w.pub.id)
      .first<{ n: number }>();
    expect(data).toHaveLength(pending!.n);
    await api.expectNoLeaks();
  });

  it("members list shows names and handles, never e-mail addresses", async () => {
    const res = await send(w.owner, "GET", `${base(w)}/members`);
    const { data } = await res.json<{ data: Record<string, unknown>[] }>();
    expect(data.length).toBeGreaterThanOrEqual(2);
    for (const m of data) {
      expect(Object.keys(m).sort()).toEqual(["handle", "name", "role", "since", "user_id"]);
    }
    await api.expectNoLeaks();
  });
});

describe("idempotent creates", () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser("idem");
  });
  const create = (body: unknown, key: string, who = user) =>
    api.call(
      "/api/v1/publications",
      jsonRequest("POST", body, asUser(who, { "idempotency-key": key })),
    );
  const count = async (slug: string) =>
    (
      await env.DB.prepare("SELECT count(*) AS n FROM publications WHERE slug = ?1")
        .bind(slug)
        .first<{ n: number }>()
    )?.n;

  it("replays the first answer for the same key and body", async () => {
    const key = `idem-${crypto.randomUUID()}`;
    const body = { slug: uniqueSlug(), name: "Once" };
    const first = await create(body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const firstBody = await first.json();

    const second = await create(body, key);
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(firstBody);
    expect(await count(body.slug)).toBe(1);
  });

  it("refuses the same key with a different body (422)", async () => {
    const key = `idem-${crypto.randomUUID()}`;
    const first = { slug: uniqueSlug(), name: "First" };
    expect((await create(first, key)).status).toBe(201);
    const other = { slug: uniqueSlug(), name: "Other" };
    await expectProblem(await create(other, key), 422, "idempotency_key_reused");
    expect(await count(other.slug)).toBe(0);
  });

  it("keys are per caller: another user's identical key is not a replay", async () => {
    const key = `idem-${crypto.randomUUID()}`;
    expect((await create({ slug: uniqueSlug(), name: "Mine" }, key)).status).toBe(201);
    const someoneElse = people.editor;
    const theirs = await create({ slug: uniqueSlug(), name: "Theirs" }, key, someoneElse);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect((await theirs.json<{ name: string }>()).name).toBe("Theirs");
  });

  it("refuses a malformed key (400) and creates nothing", async () => {
    for (const key of ["short", "has spaces in it", "x".repeat(129), "semi;colon;key"]) {
      const body = { slug: uniqueSlug(), name: "Bad key" };
      await expectProblem(await create(body, key), 400, "invalid_idempotency_key");
      expect(await count(body.slug)).toBe(0);
    }
  });
});

describe("validation", () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser("validate");
  });
  const totalPublications = async () =>
    (await env.DB.prepare("SELECT count(*) AS n FROM publications").first<{ n: number }>())!.n;
  const post = (init: RequestInit) => api.call("/api/v1/publications", init);

  it("answers malformed JSON with 400 and a wrong content type with 415", async () => {
    const before = await totalPublications();
    await expectProblem(await post(jsonRequest("POST", "{not json", asUser(user))), 400);
    await expectProblem(
      await post({
        method: "POST",
        headers: asUser(user, { "content-type": "text/plain" }),
        body: JSON.stringify({ slug: uniqueSlug(), name: "Plain" }),
      }),
      415,
    );
    expect(await totalPublications()).toBe(before);
  });

  it.each([
    ["a reserved word", "admin"],
    ["a reserved word in capitals", "Admin"],
    ["spaces and capitals", "My Blog"],
    ["too long", "a".repeat(49)],
    ["too short", "a"],
    ["a leading dash", "-dash"],
    ["not a string", 42],
  ])("refuses a slug that is %s (422, field slug)", async (_, slug) => {
    const before = await totalPublications();
    const body = await expectProblem(
      await post(jsonRequest("POST", { slug, name: "Bad slug" }, asUser(user))),
      422,
      "validation_failed",
    );
    expect([...new Set(body.errors?.map((e) => e.field))]).toEqual(["slug"]);
    expect(await totalPublications()).toBe(before);
  });

  it("normalizes a slug to lower case", async () => {
    const slug = uniqueSlug("Case");
    const res = await post(jsonRequest("POST", { slug, name: "Case" }, asUser(user)));
    expect(res.status).toBe(201);
    expect((await res.json<{ slug: string }>()).slug).toBe(slug.toLowerCase());
  });

  it("refuses an unknown time zone (422, field timezone) on create and update", async () => {
    const before = await totalPublications();
    const body = await expectProblem(
      await post(
        jsonRequest(
          "POST",
          { slug: uniqueSlug(), name: "Mars", timezone: "Mars/Olympus_Mons" },
          asUser(user),
        ),
      ),
      422,
    );
    expect(body.errors?.map((e) => e.field)).toEqual(["timezone"]);
    expect(await totalPublications()).toBe(before);

    const pub = await createPublication(user, { timezone: "Europe/Lisbon" });
    await expectProblem(
      await send(user, "PATCH", `/api/v1/publications/${pub.slug}`, { timezone: "Nowhere/Land" }),
      422,
    );
    expect((await snapshot(pub.id)).publication[0]?.timezone).toBe("Europe/Lisbon");
  });

  it("refuses a taken slug with 409 slug_taken", async () => {
    const pub = await createPublication(user);
    const before = await totalPublications();
    const body = await expectProblem(
      await send(people.editor, "POST", "/api/v1/publications", {
        slug: pub.slug.toUpperCase(),
        name: "Squatter",
      }),
      409,
      "slug_taken",
    );
    expect(body.errors?.map((e) => e.field)).toEqual(["slug"]);
    expect(await totalPublications()).toBe(before);
  });

  it("a partial update leaves the fields it does not mention alone", async () => {
    const pub = await createPublication(user, {
      description: "About us",
      locale: "pt-BR",
      timezone: "Europe/Lisbon",
    });
    const res = await send(user, "PATCH", `/api/v1/publications/${pub.slug}`, { name: "New" });
    expect(res.status).toBe(200);
    const row = (await snapshot(pub.id)).publication[0];
    expect(row).toMatchObject({
      name: "New",
      description: "About us",
      locale: "pt-BR",
      timezone: "Europe/Lisbon",
    });
  });

  it("a slug cannot shadow another publication's id", async () => {
    const victim = await createPublication(user);
    const squatter = await createUser("squatter");
    await api.call(
      "/api/v1/publications",
      jsonRequest("POST", { slug: victim.id, name: "Shadow" }, asUser(squatter)),
    );
    const res = await send(user, "GET", `/api/v1/publications/${victim.id}`);
    expect(res.status).toBe(200);
    expect((await res.json<{ id: string }>()).id).toBe(victim.id);
  });
});

describe("responses never leak", () => {
  it("no response of this file holds an e-mail address, password hash or stored secret", async () => {
    await api.expectNoLeaks();
  });
});
