import { beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  asUser,
  call,
  createPublication,
  createUser,
  expectProblem,
  jsonRequest,
  ROLE_NAMES,
  type Role,
  type TestPublication,
  type TestUser,
} from "../helpers";

let pub: TestPublication;
let other: TestPublication;
const members = {} as Record<Role, TestUser>;
let outsider: TestUser;

const posts = (p: { slug: string }, path = "") => `/api/v1/publications/${p.slug}/posts${path}`;

async function createPostAs(user: TestUser, p = pub, title = "Matrix post") {
  const res = await call(
    posts(p),
    jsonRequest("POST", { title, body_markdown: "Text" }, asUser(user)),
  );
  expect(res.status).toBe(201);
  return res.json<{ id: string; version: number }>();
}

type Verb = "read" | "edit" | "publish" | "schedule" | "unpublish" | "revisions" | "delete";

function request(verb: Verb, user: TestUser, p: { slug: string }, id: string, version = 1) {
  const base = posts(p, `/${id}`);
  const h = asUser(user);
  switch (verb) {
    case "read":
      return call(base, { headers: h });
    case "revisions":
      return call(`${base}/revisions`, { headers: h });
    case "edit":
      return call(base, jsonRequest("PATCH", { title: "Changed", version }, h));
    case "publish":
      return call(`${base}/publish`, { method: "POST", headers: h });
    case "unpublish":
      return call(`${base}/unpublish`, { method: "POST", headers: h });
    case "schedule":
      return call(
        `${base}/schedule`,
        jsonRequest("POST", { publish_at: new Date(Date.now() + 86_400_000).toISOString() }, h),
      );
    case "delete":
      return call(base, { method: "DELETE", headers: h });
  }
}

const OK: Record<Verb, number> = {
  read: 200,
  revisions: 200,
  edit: 200,
  publish: 200,
  schedule: 200,
  unpublish: 200,
  delete: 204,
};

// Who may do what to a post they wrote, and to a colleague's post (DESIGN.md role table).
const own: Record<Verb, Role[]> = {
  read: ROLE_NAMES,
  revisions: ROLE_NAMES,
  edit: ROLE_NAMES,
  publish: ["owner", "admin", "editor", "author"],
  schedule: ["owner", "admin", "editor", "author"],
  unpublish: ["owner", "admin", "editor", "author"],
  delete: ["owner", "admin", "editor", "author"],
};
const others: Record<Verb, Role[]> = {
  read: ROLE_NAMES,
  revisions: ROLE_NAMES,
  edit: ["owner", "admin", "editor"],
  publish: ["owner", "admin", "editor"],
  schedule: ["owner", "admin", "editor"],
  unpublish: ["owner", "admin", "editor"],
  delete: ["owner", "admin", "editor"],
};
const VERBS = Object.keys(OK) as Verb[];

beforeAll(async () => {
  members.owner = await createUser("owner");
  pub = await createPublication(members.owner);
  for (const role of ["admin", "editor", "author", "contributor"] as const) {
    members[role] = await addMember(members.owner, pub, role);
  }
  outsider = await createUser("outsider");
  other = await createPublication(outsider);
});

describe.each(ROLE_NAMES)("%s", (role) => {
  it.each(VERBS)("on their own post: %s", async (verb) => {
    const post = await createPostAs(members[role]);
    if (verb === "unpublish")
      await call(posts(pub, `/${post.id}/publish`), {
        method: "POST",
        headers: asUser(members.owner),
      });
    const res = await request(verb, members[role], pub, post.id);
    if (own[verb].includes(role)) expect(res.status).toBe(OK[verb]);
    else await expectProblem(res, 403);
  });

  it.each(VERBS)("on a colleague's post: %s", async (verb) => {
    const post = await createPostAs(members.owner);
    const res = await request(verb, members[role], pub, post.id);
    if (others[verb].includes(role)) expect(res.status).toBe(OK[verb]);
    else await expectProblem(res, 403);
  });
});

describe("contributors", () => {
  it("cannot edit their post once an editor published it", async () => {
    const post = await createPostAs(members.contributor);
    await call(posts(pub, `/${post.id}/publish`), {
      method: "POST",
      headers: asUser(members.editor),
    });
    await expectProblem(await request("edit", members.contributor, pub, post.id), 403);
  });
});

describe("other tenants", () => {
  it.each(VERBS)("a non-member gets 404 for %s, and the post is unchanged", async (verb) => {
    const post = await createPostAs(members.owner, pub, "Not yours");
    await expectProblem(await request(verb, outsider, pub, post.id), 404);
    const after = await (await request("read", members.owner, pub, post.id)).json<{
      title: string;
      version: number;
    }>();
    expect(after).toMatchObject({ title: "Not yours", version: 1 });
  });

  it.each(VERBS)(
    "a post id of another publication is 404 through your own publication: %s",
    async (verb) => {
      const theirs = await createPostAs(outsider, other, "Elsewhere");
      await expectProblem(await request(verb, members.owner, pub, theirs.id), 404);
    },
  );

  it("lists never include another publication's posts", async () => {
    await createPostAs(outsider, other, "Foreign title");
    const list = await call(posts(pub, "?limit=100"), { headers: asUser(members.owner) });
    expect(await list.text()).not.toContain("Foreign title");
  });
});

describe("API keys act through scopes", () => {
  async function keyWith(scopes: string[]) {
    const res = await call(
      `/api/v1/publications/${pub.slug}/api-keys`,
      jsonRequest("POST", { name: `k-${scopes.join("-")}`, scopes }, asUser(members.owner)),
    );
    expect(res.status).toBe(201);
    return { authorization: `Bearer ${(await res.json<{ secret: string }>()).secret}` };
  }

  it("posts:read lists but cannot write; posts:write writes but cannot publish; posts:publish publishes", async () => {
    const reader = await keyWith(["posts:read"]);
    expect((await call(posts(pub), { headers: reader })).status).toBe(200);
    await expectProblem(
      await call(posts(pub), jsonRequest("POST", { title: "By key" }, reader)),
      403,
      "insufficient_scope",
    );

    const writer = await keyWith(["posts:read", "posts:write"]);
    const created = await call(posts(pub), jsonRequest("POST", { title: "By key" }, writer));
    expect(created.status).toBe(201);
    const { id } = await created.json<{ id: string }>();
    await expectProblem(
      await call(posts(pub, `/${id}/publish`), { method: "POST", headers: writer }),
      403,
    );

    const publisher = await keyWith(["posts:read", "posts:publish"]);
    expect(
      (await call(posts(pub, `/${id}/publish`), { method: "POST", headers: publisher })).status,
    ).toBe(200);
    await expectProblem(await call(posts(other, `/${id}`), { headers: publisher }), 404);
  });
});
