import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { asUser, call, createUser, jsonRequest, type TestUser } from "../helpers";

let owner: TestUser;
let pub: string;
let pubId: string;

const postsUrl = () => `/api/v1/publications/${pub}/posts`;
const write = (method: string, body: unknown, extra: Record<string, string> = {}) =>
  jsonRequest(method, body, asUser(owner, extra));

async function newPost(body: Record<string, unknown> = {}) {
  const res = await call(
    postsUrl(),
    write("POST", {
      title: "Hello world",
      body_markdown: "# Hi\n\nFirst *post*.",
      tags: ["News"],
      ...body,
    }),
  );
  expect(res.status).toBe(201);
  return res.json<{ id: string; slug: string; version: number; status: string }>();
}

beforeAll(async () => {
  owner = await createUser("poster");
  pub = `p-${crypto.randomUUID().slice(0, 8)}`;
  const res = await call("/api/v1/publications", write("POST", { slug: pub, name: "Poster Pub" }));
  expect(res.status).toBe(201);
  pubId = (await res.json<{ id: string }>()).id;
});

describe("post lifecycle", () => {
  it("creates a draft with a generated slug, rendered HTML and a first revision", async () => {
    const res = await call(
      postsUrl(),
      write("POST", {
        title: "Ünïcode Title!",
        body_markdown: "## Part one\n\n<script>x</script> text",
      }),
    );
    expect(res.status).toBe(201);
    const post = await res.json<Record<string, unknown>>();
    expect(post).toMatchObject({ slug: "unicode-title", status: "draft", version: 1 });
    expect(String(post.body_html)).toContain('id="part-one"');
    expect(String(post.body_html)).not.toContain("<script");
    expect(res.headers.get("etag")).toBe('"1"');
    const again = await call(postsUrl(), write("POST", { title: "Ünïcode Title!" }));
    expect((await again.json<{ slug: string }>()).slug).toBe("unicode-title-2");
  });

  it("saves with the version it started from; a stale save is 412 with the current version", async () => {
    const post = await newPost();
    const ok = await call(
      `${postsUrl()}/${post.id}`,
      write("PATCH", { title: "Edited" }, { "if-match": '"1"' }),
    );
    expect(ok.status).toBe(200);
    expect((await ok.json<{ version: number }>()).version).toBe(2);
    const stale = await call(
      `${postsUrl()}/${post.id}`,
      write("PATCH", { title: "Mine", version: 1 }),
    );
    expect(stale.status).toBe(412);
    const body = await stale.json<{ code: string; current: { title: string; version: number } }>();
    expect(body.code).toBe("stale_version");
    expect(body.current).toMatchObject({ title: "Edited", version: 2 });
    const missing = await call(`${postsUrl()}/${post.id}`, write("PATCH", { title: "No version" }));
    expect(missing.status).toBe(428);
    const revisions = await call(`${postsUrl()}/${post.id}/revisions`, {
      headers: { cookie: owner.cookie },
    });
    expect((await revisions.json<{ data: unknown[] }>()).data).toHaveLength(2);
  });

  it("publishes once even when triggered twice at the same time", async () => {
    const post = await newPost({ title: "Twice" });
    const [a, b] = await Promise.all([
      call(`${postsUrl()}/${post.id}/publish`, { method: "POST", headers: asUser(owner) }),
      call(`${postsUrl()}/${post.id}/publish`, { method: "POST", headers: asUser(owner) }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'post.published' AND target_id = ?1",
    )
      .bind(post.id)
      .first<{ n: number }>();
    expect(audit?.n).toBe(1);
    const live = await env.DB.prepare(
      "SELECT count(*) AS n FROM published_posts WHERE post_id = ?1",
    )
      .bind(post.id)
      .first<{ n: number }>();
    expect(live?.n).toBe(1);
  });

  it("publishes a scheduled post when the hub's alarm runs, and records it", async () => {
    const post = await newPost({ title: "Later" });
    const at = new Date(Date.now() + 3600_000).toISOString();
    const res = await call(`${postsUrl()}/${post.id}/schedule`, write("POST", { publish_at: at }));
    expect(res.status).toBe(200);
    expect((await res.json<{ status: string }>()).status).toBe("scheduled");
    // Move the schedule into the past, as if the hour went by, then fire the alarm.
    const hub = env.PUBLICATION_HUB.get(env.PUBLICATION_HUB.idFromName(pubId));
    const { runInDurableObject } = await import("cloudflare:test");
    await runInDurableObject(hub, (_i, state) => {
      state.storage.sql.exec(
        "UPDATE schedules SET at = ? WHERE post_id = ?",
        Date.now() - 1000,
        post.id,
      );
    });
    expect(await runDurableObjectAlarm(hub)).toBe(true);
    const after = await call(`${postsUrl()}/${post.id}`, { headers: { cookie: owner.cookie } });
    const body = await after.json<{ status: string; schedule_result: string }>();
    expect(body.status).toBe("published");
    expect(body.schedule_result).toMatch(/^published at/);
  });

  it("unpublish takes the post off the site; delete removes it", async () => {
    const post = await newPost({ title: "Short lived" });
    await call(`${postsUrl()}/${post.id}/publish`, { method: "POST", headers: asUser(owner) });
    const un = await call(`${postsUrl()}/${post.id}/unpublish`, {
      method: "POST",
      headers: asUser(owner),
    });
    expect((await un.json<{ status: string }>()).status).toBe("draft");
    const live = await env.DB.prepare(
      "SELECT count(*) AS n FROM published_posts WHERE post_id = ?1",
    )
      .bind(post.id)
      .first<{ n: number }>();
    expect(live?.n).toBe(0);
    const del = await call(`${postsUrl()}/${post.id}`, {
      method: "DELETE",
      headers: asUser(owner),
    });
    expect(del.status).toBe(204);
    expect(
      (await call(`${postsUrl()}/${post.id}`, { headers: { cookie: owner.cookie } })).status,
    ).toBe(404);
  });
});

describe("partial saves", () => {
  it("change only the fields they send; an unchanged save makes no new version", async () => {
    const post = await newPost({
      title: "Keep body",
      body_markdown: "Precious paragraph.",
      tags: ["Keep"],
    });
    const res = await call(
      `${postsUrl()}/${post.id}`,
      write("PATCH", { title: "New title", version: 1 }),
    );
    const saved = await res.json<{ body_markdown: string; tags: string[]; version: number }>();
    expect(saved).toMatchObject({
      body_markdown: "Precious paragraph.",
      tags: ["Keep"],
      version: 2,
    });
    const again = await call(
      `${postsUrl()}/${post.id}`,
      write("PATCH", { title: "New title", version: 2 }),
    );
    expect((await again.json<{ version: number }>()).version).toBe(2);
  });
});
