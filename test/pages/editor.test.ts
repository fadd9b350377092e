import { describe, expect, it } from "vitest";
import {
  addMember,
  asUser,
  call,
  createPublication,
  createUser,
  ORIGIN,
  type TestUser,
} from "../helpers";

/** A no-JavaScript form post, as a browser sends it from one of our pages. */
function postForm(path: string, fields: Record<string, string>, user: TestUser) {
  return call(path, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
    headers: asUser(user, {
      "content-type": "application/x-www-form-urlencoded",
      host: new URL(ORIGIN).host,
    }),
  });
}

const page = (path: string, user: TestUser) =>
  call(path, { redirect: "manual", headers: { cookie: user.cookie } });

const decode = (s: string) => s.replaceAll("&amp;", "&");

interface ApiPost {
  id: string;
  title: string;
  body_markdown: string;
  tags: string[];
  status: string;
  version: number;
  scheduled_at: string | null;
}

async function apiPost(user: TestUser, pub: string, id: string): Promise<ApiPost> {
  const res = await call(`/api/v1/publications/${pub}/posts/${id}`, {
    headers: { cookie: user.cookie },
  });
  expect(res.status).toBe(200);
  return res.json<ApiPost>();
}

/** Creates a draft through /posts/new and returns its id. */
async function newPost(user: TestUser, pub: string, title: string): Promise<string> {
  const res = await postForm(`/admin/${pub}/posts/new`, { intent: "create", title }, user);
  expect(res.status).toBe(302);
  const location = res.headers.get("location") ?? "";
  const id = new RegExp(`^/admin/${pub}/posts/([0-9a-f-]+)$`).exec(location)?.[1];
  expect(id).toBeTruthy();
  return id!;
}

/** The editor form's fields, as the browser submits them. */
const editorForm = (intent: string, version: number, fields: Record<string, string> = {}) => ({
  intent,
  version: String(version),
  title: "A title",
  slug: "",
  excerpt: "",
  tags: "",
  body_markdown: "",
  ...fields,
});

async function setup(timezone = "UTC") {
  const owner = await createUser("ed-owner");
  const pub = await createPublication(owner, { timezone });
  return { owner, pub: pub.slug };
}

describe("/admin/{pub}/posts/new", () => {
  it("creates a draft and redirects to its editor", async () => {
    const { owner, pub } = await setup();
    const id = await newPost(owner, pub, "First words");
    const res = await page(`/admin/${pub}/posts/${id}`, owner);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const html = await res.text();
    expect(html).toContain('value="First words"');
    expect(html).toMatch(/<input type="hidden" name="version" value="1"/);
    expect(html).toContain('value="publish"');
    expect(html).toContain("<textarea");
    const post = await apiPost(owner, pub, id);
    expect(post.status).toBe("draft");
  });

  it("requires a title", async () => {
    const { owner, pub } = await setup();
    const res = await postForm(`/admin/${pub}/posts/new`, { intent: "create", title: " " }, owner);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Give the post a title.");
  });

  it("is for signed-in members only", async () => {
    const { pub } = await setup();
    const anonymous = await call(`/admin/${pub}/posts/new`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toContain("/login?redirectTo=");
    const stranger = await createUser("ed-stranger");
    expect((await page(`/admin/${pub}/posts`, stranger)).status).toBe(404);
  });
});

describe("the editor", () => {
  it("saves with the current version, tags from a comma-separated list", async () => {
    const { owner, pub } = await setup();
    const id = await newPost(owner, pub, "Draft");
    const res = await postForm(
      `/admin/${pub}/posts/${id}`,
      editorForm("save", 1, {
        title: "Saved title",
        tags: "Travel, food , ,Travel",
        body_markdown: "Hello\r\n\r\n**world**",
      }),
      owner,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const html = await res.text();
    expect(html).toContain("Saved.");
    expect(html).toMatch(/<input type="hidden" name="version" value="2"/);
    const post = await apiPost(owner, pub, id);
    expect(post).toMatchObject({
      title: "Saved title",
      version: 2,
      tags: ["Travel", "food"],
      body_markdown: "Hello\n\n**world**",
    });
  });

  it("refuses a stale save with 412 and shows both versions", async () => {
    const { owner, pub } = await setup();
    const id = await newPost(owner, pub, "Draft");
    const url = `/admin/${pub}/posts/${id}`;
    // A colleague saves version 2...
    const theirs = await postForm(
      url,
      editorForm("save", 1, { title: "Their title", body_markdown: "Their body" }),
      owner,
    );
    expect(theirs.status).toBe(200);
    // ...while I am still on version 1.
    const mine = await postForm(
      url,
      editorForm("save", 1, { title: "My title", body_markdown: "My body" }),
      owner,
    );
    expect(mine.status).toBe(412);
    const html = await mine.text();
    expect(html).toContain("Someone saved a newer version");
    expect(html).toContain("Their title");
    expect(html).toContain("Their body");
    expect(html).toContain("My title");
    expect(html).toContain("My body");
    expect(html).toContain("Keep mine (save over version 2)");
    expect(html).toContain("Use theirs");
    // Nothing was overwritten.
    expect((await apiPost(owner, pub, id)).title).toBe("Their title");

    // "Keep mine" resubmits my text with the current version.
    const kept = await postForm(
      url,
      editorForm("save", 2, { title: "My title", body_markdown: "My body" }),
      owner,
    );
    expect(kept.status).toBe(200);
    expect(await apiPost(owner, pub, id)).toMatchObject({ title: "My title", version: 3 });
  });

  it("publishes after saving the text in the form", async () => {
    const { owner, pub } = await setup();
    const id = await newPost(owner, pub, "Draft");
    const res = await postForm(
      `/admin/${pub}/posts/${id}`,
      editorForm("publish", 1, { title: "Going live", body_markdown: "Live text" }),
      owner,
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Published.");
    expect(html).toContain('value="unpublish"');
    expect(await apiPost(owner, pub, id)).toMatchObject({
      title: "Going live",
      status: "published",
      version: 2,
    });
  });

  it("deletes only after the confirm step", async () => {
    const { owner, pub } = await setup();
    const id = await newPost(owner, pub, "Doomed");
    const url = `/admin/${pub}/posts/${id}`;
    const ask = await page(`${url}?delete`, owner);
    expect(await ask.text()).toContain("Yes, delete this post");
    const unconfirmed = await postForm(url, { intent: "delete" }, owner);
    expect(unconfirmed.status).toBe(422);
    // The refused delete leaves the editor showing the post, not empty fields.
    expect(await unconfirmed.text()).toContain('value="Doomed"');
    const done = await postForm(url, { intent: "delete", confirm: "yes" }, owner);
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`/admin/${pub}/posts?notice=deleted`);
    expect((await page(url, owner)).status).toBe(404);
  });
});

describe("roles in the editor", () => {
  it("shows a contributor no Publish button and refuses their publish with 403", async () => {
    const { owner, pub } = await setup();
    const contributor = await addMember(owner, { slug: pub }, "contributor");
    const id = await newPost(contributor, pub, "Contributed");
    const url = `/admin/${pub}/posts/${id}`;
    const html = await (await page(url, contributor)).text();
    expect(html).toContain('value="save"');
    expect(html).not.toContain('value="publish"');
    expect(html).not.toContain('value="schedule"');
    expect(html).not.toContain("Delete post");

    const publish = await postForm(url, { intent: "publish" }, contributor);
    expect(publish.status).toBe(403);
    const withText = await postForm(
      url,
      editorForm("publish", 1, { title: "Sneaky" }),
      contributor,
    );
    expect(withText.status).toBe(403);
    expect(await apiPost(owner, pub, id)).toMatchObject({ status: "draft", title: "Contributed" });

    // Their own draft they can save.
    const saved = await postForm(url, editorForm("save", 1, { title: "Mine" }), contributor);
    expect(saved.status).toBe(200);
  });

  it("lets a contributor read but not edit someone else's post", async () => {
    const { owner, pub } = await setup();
    const contributor = await addMember(owner, { slug: pub }, "contributor");
    const id = await newPost(owner, pub, "Owner's post");
    const url = `/admin/${pub}/posts/${id}`;
    const html = await (await page(url, contributor)).text();
    expect(html).toContain("your role does not allow you to edit it");
    expect(html).not.toContain('value="save"');
    const res = await postForm(url, editorForm("save", 1, { title: "Changed" }), contributor);
    expect(res.status).toBe(403);
    expect((await apiPost(owner, pub, id)).title).toBe("Owner's post");
  });
});

describe("/admin/{pub}/posts", () => {
  it("filters by status and pages with a cursor, keeping the filters", async () => {
    const { owner, pub } = await setup();
    const ids: string[] = [];
    for (const title of ["Alpha", "Bravo", "Charlie", "Delta"]) {
      ids.push(await newPost(owner, pub, title));
    }
    const published = await postForm(`/admin/${pub}/posts/${ids[0]}`, { intent: "publish" }, owner);
    expect(published.status).toBe(200);

    const list = await page(`/admin/${pub}/posts`, owner);
    expect(list.status).toBe(200);
    expect(list.headers.get("cache-control")).toBe("private, no-store");
    const all = await list.text();
    for (const title of ["Alpha", "Bravo", "Charlie", "Delta"]) expect(all).toContain(title);
    expect(all).toContain(`href="/admin/${pub}/posts/${ids[1]}"`);
    expect(all).toContain(`href="/admin/${pub}/posts/new"`);

    const onlyPublished = await (await page(`/admin/${pub}/posts?status=published`, owner)).text();
    expect(onlyPublished).toContain(">Alpha<");
    expect(onlyPublished).not.toContain(">Bravo<");

    const byTitle = await (await page(`/admin/${pub}/posts?q=char`, owner)).text();
    expect(byTitle).toContain(">Charlie<");
    expect(byTitle).not.toContain(">Delta<");

    // Drafts, two per page: Delta, Charlie | Bravo.
    const first = await (await page(`/admin/${pub}/posts?status=draft&limit=2`, owner)).text();
    expect(first).toContain(">Delta<");
    expect(first).toContain(">Charlie<");
    expect(first).not.toContain(">Bravo<");
    const next = /<a [^>]*href="([^"]+)"[^>]*>Next page<\/a>/.exec(first)?.[1];
    expect(next).toBeTruthy();
    const nextUrl = new URL(decode(next!), ORIGIN);
    expect(nextUrl.searchParams.get("status")).toBe("draft");
    expect(nextUrl.searchParams.get("limit")).toBe("2");
    expect(nextUrl.searchParams.get("cursor")).toBeTruthy();
    const second = await (await page(nextUrl.pathname + nextUrl.search, owner)).text();
    expect(second).toContain(">Bravo<");
    expect(second).not.toContain(">Delta<");
    expect(second).not.toContain(">Alpha<");
    expect(second).not.toContain("Next page");
  });

  it("filters by tag and shows the unpublished-changes marker", async () => {
    const { owner, pub } = await setup();
    const id = await newPost(owner, pub, "Tagged");
    await newPost(owner, pub, "Untagged");
    const url = `/admin/${pub}/posts/${id}`;
    expect(
      (await postForm(url, editorForm("publish", 1, { title: "Tagged", tags: "Lisbon" }), owner))
        .status,
    ).toBe(200);
    expect(
      (await postForm(url, editorForm("save", 2, { title: "Tagged again", tags: "Lisbon" }), owner))
        .status,
    ).toBe(200);
    const html = await (await page(`/admin/${pub}/posts?tag=Lisbon`, owner)).text();
    expect(html).toContain("Tagged again");
    expect(html).not.toContain(">Untagged<");
    expect(html).toContain("unpublished changes");
  });

  it("shows an invalid cursor as the first page, not an error", async () => {
    const { owner, pub } = await setup();
    await newPost(owner, pub, "Only");
    const res = await page(`/admin/${pub}/posts?cursor=nonsense`, owner);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(">Only<");
  });
});

describe("scheduling in the publication's time zone", () => {
  it("turns New York wall-clock time into the right UTC instant, winter and summer", async () => {
    const { owner, pub } = await setup("America/New_York");
    const id = await newPost(owner, pub, "Scheduled");
    const url = `/admin/${pub}/posts/${id}`;
    const editor = await (await page(url, owner)).text();
    expect(editor).toContain('type="datetime-local"');
    expect(editor).toContain("America/New_York");

    const winter = await postForm(
      url,
      { intent: "schedule", publish_at: "2030-01-15T09:00" },
      owner,
    );
    expect(winter.status).toBe(200);
    expect(await apiPost(owner, pub, id)).toMatchObject({
      status: "scheduled",
      scheduled_at: "2030-01-15T14:00:00.000Z",
    });
    // The picker shows the schedule back on the publication's clock.
    const scheduled = await (await page(url, owner)).text();
    expect(scheduled).toContain('value="2030-01-15T09:00"');
    expect(scheduled).toContain("Cancel schedule");
    const list = await (await page(`/admin/${pub}/posts`, owner)).text();
    expect(list).toContain("Scheduled for 2030-01-15 09:00 (America/New_York)");

    const summer = await postForm(
      url,
      { intent: "schedule", publish_at: "2030-07-15T09:00" },
      owner,
    );
    expect(summer.status).toBe(200);
    expect((await apiPost(owner, pub, id)).scheduled_at).toBe("2030-07-15T13:00:00.000Z");

    const cancelled = await postForm(url, { intent: "unschedule" }, owner);
    expect(cancelled.status).toBe(200);
    expect(await apiPost(owner, pub, id)).toMatchObject({ status: "draft", scheduled_at: null });
  });

  it("uses UTC+0 for Lisbon in winter and refuses a time in the past", async () => {
    const { owner, pub } = await setup("Europe/Lisbon");
    const id = await newPost(owner, pub, "Lisbon");
    const url = `/admin/${pub}/posts/${id}`;
    const res = await postForm(url, { intent: "schedule", publish_at: "2030-02-01T09:30" }, owner);
    expect(res.status).toBe(200);
    expect((await apiPost(owner, pub, id)).scheduled_at).toBe("2030-02-01T09:30:00.000Z");

    const past = await postForm(url, { intent: "schedule", publish_at: "2020-02-01T09:30" }, owner);
    expect(past.status).toBe(422);
    expect(await past.text()).toContain("Choose a time in the future");
    const garbage = await postForm(
      url,
      { intent: "schedule", publish_at: "2030-02-31T09:30" },
      owner,
    );
    expect(garbage.status).toBe(422);
  });
});

describe("revisions", () => {
  it("lists every save and restores an old version as a new one", async () => {
    const { owner, pub } = await setup();
    const id = await newPost(owner, pub, "Version one");
    const url = `/admin/${pub}/posts/${id}`;
    await postForm(
      url,
      editorForm("save", 1, { title: "Version two", body_markdown: "Two" }),
      owner,
    );

    const list = await page(`${url}/revisions`, owner);
    expect(list.status).toBe(200);
    expect(list.headers.get("cache-control")).toBe("private, no-store");
    const html = await list.text();
    expect(html).toContain(`href="${url}/revisions/1"`);
    expect(html).toContain(`href="${url}/revisions/2"`);

    const one = await (await page(`${url}/revisions/1`, owner)).text();
    expect(one).toContain("Version one");
    expect(one).toContain("Restore this version");

    const stale = await postForm(`${url}/revisions/1`, { intent: "restore", version: "1" }, owner);
    expect(stale.status).toBe(412);
    const restored = await postForm(
      `${url}/revisions/1`,
      { intent: "restore", version: "2" },
      owner,
    );
    expect(restored.status).toBe(302);
    expect(restored.headers.get("location")).toBe(`${url}?restored=1`);
    expect(await apiPost(owner, pub, id)).toMatchObject({ title: "Version one", version: 3 });
    expect((await page(`${url}/revisions/99`, owner)).status).toBe(404);
  });
});

describe("/admin/{pub}/tags", () => {
  it("lists the publication's tags with published post counts", async () => {
    const { owner, pub } = await setup();
    const id = await newPost(owner, pub, "Tagged");
    const draft = await newPost(owner, pub, "Draft");
    await postForm(
      `/admin/${pub}/posts/${id}`,
      editorForm("publish", 1, { title: "Tagged", tags: "Coffee" }),
      owner,
    );
    await postForm(
      `/admin/${pub}/posts/${draft}`,
      editorForm("save", 1, { title: "Draft", tags: "Tea" }),
      owner,
    );
    const res = await page(`/admin/${pub}/tags`, owner);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<td>Coffee<\/td><td><code>coffee<\/code><\/td><td>1<\/td>/);
    expect(html).toMatch(/<td>Tea<\/td><td><code>tea<\/code><\/td><td>0<\/td>/);
    expect(html).toContain(`href="/admin/${pub}/posts?tag=Coffee"`);
  });
});
