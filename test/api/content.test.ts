import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { asUser, call, createUser, jsonRequest, type TestUser } from "../helpers";

let owner: TestUser;
let pub: string;

const admin = (path = "") => `/api/v1/publications/${pub}/posts${path}`;
const content = (path = "") => `/api/v1/content/${pub}${path}`;

async function publishedPost(body: Record<string, unknown>) {
  const res = await call(admin(), jsonRequest("POST", body, asUser(owner)));
  expect(res.status).toBe(201);
  const post = await res.json<{ id: string; slug: string }>();
  const pubRes = await call(admin(`/${post.id}/publish`), {
    method: "POST",
    headers: asUser(owner),
  });
  expect(pubRes.status).toBe(200);
  return post;
}

beforeAll(async () => {
  owner = await createUser("content");
  pub = `c-${crypto.randomUUID().slice(0, 8)}`;
  const res = await call(
    "/api/v1/publications",
    jsonRequest("POST", { slug: pub, name: "Content Pub" }, asUser(owner)),
  );
  expect(res.status).toBe(201);
});

describe("Content API", () => {
  it("serves only published posts, with keyset pagination", async () => {
    for (let i = 0; i < 5; i++)
      await publishedPost({ title: `Listed ${i}`, body_markdown: `Body ${i}`, tags: ["Paging"] });
    await call(admin(), jsonRequest("POST", { title: "Secret draft" }, asUser(owner)));
    const first = await call(content("/posts?limit=2"));
    expect(first.status).toBe(200);
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    const page1 = await first.json<{ data: { title: string }[]; next_cursor: string }>();
    expect(page1.data).toHaveLength(2);
    const seen = [...page1.data.map((p) => p.title)];
    let cursor: string | null = page1.next_cursor;
    while (cursor) {
      const res = await call(content(`/posts?limit=2&cursor=${encodeURIComponent(cursor)}`));
      const page = await res.json<{ data: { title: string }[]; next_cursor: string | null }>();
      seen.push(...page.data.map((p) => p.title));
      cursor = page.next_cursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain("Secret draft");
    expect(seen.filter((t) => t.startsWith("Listed"))).toHaveLength(5);
    const bad = await call(content("/posts?cursor=garbage"));
    expect(bad.status).toBe(400);
  });

  it("answers ETag / If-None-Match with 304 and caches at the edge", async () => {
    const post = await publishedPost({ title: "Cached one", body_markdown: "Hello cache" });
    const first = await call(content(`/posts/${post.slug}`));
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(first.headers.get("cache-control")).toContain("public");
    const etag = first.headers.get("etag")!;
    const second = await call(content(`/posts/${post.slug}`));
    expect(second.headers.get("x-cache")).toBe("HIT");
    const conditional = await call(content(`/posts/${post.slug}`), {
      headers: { "if-none-match": etag },
    });
    expect(conditional.status).toBe(304);
  });

  it("a publish of an update retires the cached copy; unpublish makes it 404 at once", async () => {
    const post = await publishedPost({ title: "Changing", body_markdown: "Version one" });
    await call(content(`/posts/${post.slug}`));
    expect((await call(content(`/posts/${post.slug}`))).headers.get("x-cache")).toBe("HIT");

    await call(
      admin(`/${post.id}`),
      jsonRequest("PATCH", { body_markdown: "Version two", version: 1 }, asUser(owner)),
    );
    // Saved but not published: readers still see version one.
    expect(await (await call(content(`/posts/${post.slug}`))).text()).toContain("Version one");
    await call(admin(`/${post.id}/publish`), { method: "POST", headers: asUser(owner) });
    const updated = await call(content(`/posts/${post.slug}`));
    expect(updated.headers.get("x-cache")).toBe("MISS");
    expect(await updated.text()).toContain("Version two");

    await call(admin(`/${post.id}/unpublish`), { method: "POST", headers: asUser(owner) });
    expect((await call(content(`/posts/${post.slug}`))).status).toBe(404);
    const list = await (await call(content("/posts?limit=50"))).text();
    expect(list).not.toContain(post.slug);
    const search = await (await call(content("/search?q=Changing"))).json<{ data: unknown[] }>();
    expect(search.data).toHaveLength(0);
    expect(await (await call(`/@${pub}/feed.xml`)).text()).not.toContain(post.slug);
    expect(await (await call(`/@${pub}/sitemap.xml`)).text()).not.toContain(post.slug);
  });

  it("never caches or shares a response for a signed-in reader", async () => {
    const post = await publishedPost({ title: "Private view" });
    const res = await call(content(`/posts/${post.slug}`), { headers: { cookie: owner.cookie } });
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("x-cache")).toBeNull();
  });

  it("redirects an old slug with 301 after a re-publish under a new slug", async () => {
    const post = await publishedPost({ title: "Old name" });
    await call(
      admin(`/${post.id}`),
      jsonRequest("PATCH", { slug: "new-name", version: 1 }, asUser(owner)),
    );
    await call(admin(`/${post.id}/publish`), { method: "POST", headers: asUser(owner) });
    const res = await call(content(`/posts/${post.slug}`), { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toContain("/posts/new-name");
  });

  it("search lists title and tag matches first, then the newest mentions", async () => {
    const older = await publishedPost({ title: "Lanterns", body_markdown: "About okapis, once." });
    const inText = await publishedPost({ title: "Night walk", body_markdown: "An okapi." });
    const tagged = await publishedPost({ title: "Field notes", tags: ["Okapi"] });
    const res = await call(content("/search?q=okapi*"));
    const body = await res.json<{ data: { slug: string; matched_in: string }[] }>();
    expect(body.data.map((p) => [p.slug, p.matched_in])).toEqual([
      [tagged.slug, "title_or_tags"],
      [inText.slug, "text"],
      [older.slug, "text"],
    ]);
    // Words of the publication's or posts' ids are never matched.
    const ids = await call(content(`/search?q=${older.id.slice(0, 8)}`));
    expect((await ids.json<{ data: unknown[] }>()).data).toHaveLength(0);
  });

  it("searches with highlights; hostile syntax never fails", async () => {
    await publishedPost({
      title: "Zebras at dawn",
      body_markdown: "A herd of zebras crossed the quiet savanna.",
    });
    const hit = await call(content("/search?q=zebras"));
    const body = await hit.json<{ data: { title: string; snippet_html: string }[] }>();
    expect(body.data[0]?.title).toBe("Zebras at dawn");
    expect(body.data[0]?.snippet_html).toContain("<mark>");
    const prefix = await (await call(content("/search?q=savan*"))).json<{ data: unknown[] }>();
    expect(prefix.data.length).toBeGreaterThan(0);
    for (const q of [
      '"',
      "AND(",
      "NEAR/3",
      "-zebra",
      "title:zebras",
      "*",
      "a OR",
      "'); DROP TABLE posts;--",
      "\u0000",
    ]) {
      const res = await call(content(`/search?q=${encodeURIComponent(q)}`));
      expect(res.status).toBe(200);
    }
  });

  it("keeps the markup of hostile titles, tags and bodies inert", async () => {
    const post = await publishedPost({
      title: "<img src=x onerror=alert(1)>",
      tags: ['<script>alert("t")</script>'],
      body_markdown: "<script>alert(1)</script>\n\n[x](javascript:alert(1))",
    });
    const json = await (await call(content(`/posts/${post.slug}`))).json<{ body_html: string }>();
    expect(json.body_html).not.toContain("<script");
    expect(json.body_html).not.toMatch(/href="\s*javascript:/i);
    const feed = await (await call(`/@${pub}/feed.xml`)).text();
    expect(feed).not.toContain("<img src=x");
    expect(feed).not.toContain("<script>");
  });
});

describe("feeds and sitemaps", () => {
  it("are well-formed XML with the right content types", async () => {
    await publishedPost({ title: "Feed & <friends>", body_markdown: "Feed body", tags: ["Feeds"] });
    for (const [path, type] of [
      [`/@${pub}/feed.xml`, "application/atom+xml"],
      [`/@${pub}/rss.xml`, "application/rss+xml"],
      [`/@${pub}/tag/feeds/feed.xml`, "application/atom+xml"],
      [`/@${pub}/sitemap.xml`, "application/xml"],
      ["/sitemap.xml", "application/xml"],
    ] as const) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toContain(type);
      const text = await res.text();
      expect(text.startsWith("<?xml")).toBe(true);
      expect(isWellFormedXml(text), path).toBe(true);
    }
    const atom = await (await call(`/@${pub}/feed.xml`)).text();
    expect(atom).toContain("Feed &amp; &lt;friends&gt;");
    expect((await call("/robots.txt")).status).toBe(200);
    expect(await (await call(`/@${pub}/llms.txt`)).text()).toContain("Feed & <friends>");
  });
});

describe("query plans", () => {
  const plan = async (query: string, ...binds: unknown[]) => {
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query}`)
      .bind(...binds)
      .all<{ detail: string }>();
    return results.map((r) => r.detail).join("\n");
  };
  it("list, slug, tag, author and admin list queries use indexes, never SCAN posts", async () => {
    const checks = [
      await plan(
        "SELECT * FROM published_posts WHERE publication_id = ?1 ORDER BY published_at DESC, post_id DESC LIMIT 16",
        "x",
      ),
      await plan(
        "SELECT * FROM published_posts WHERE publication_id = ?1 AND (published_at, post_id) < (?2, ?3) ORDER BY published_at DESC, post_id DESC LIMIT 16",
        "x",
        "y",
        "z",
      ),
      await plan("SELECT * FROM published_posts WHERE publication_id = ?1 AND slug = ?2", "x", "y"),
      await plan(
        "SELECT p.* FROM published_post_tags t JOIN published_posts p ON p.post_id = t.post_id WHERE t.publication_id = ?1 AND t.tag_id = ?2 ORDER BY t.published_at DESC, t.post_id DESC LIMIT 16",
        "x",
        "y",
      ),
      await plan(
        "SELECT * FROM published_posts WHERE publication_id = ?1 AND author_id = ?2 ORDER BY published_at DESC, post_id DESC LIMIT 16",
        "x",
        "y",
      ),
      await plan(
        "SELECT * FROM posts WHERE publication_id = ?1 ORDER BY updated_at DESC, id DESC LIMIT 21",
        "x",
      ),
    ];
    for (const detail of checks) {
      expect(detail).toMatch(/USING (COVERING )?INDEX|USING PRIMARY KEY/);
      expect(detail).not.toMatch(/SCAN (published_posts|posts|p|t)\b(?! USING)/);
      expect(detail).not.toContain("USE TEMP B-TREE FOR ORDER BY");
    }
    // Search reads the FTS index newest first and joins each hit by key: no sort, no scan.
    const search = await plan(
      `SELECT p.post_id FROM posts_fts JOIN published_posts p ON p.post_id = posts_fts.post_id
       JOIN users u ON u.id = p.author_id
       WHERE posts_fts MATCH ?1 ORDER BY posts_fts.rowid DESC LIMIT 40`,
      'publication_id : "x" AND {title excerpt body tags} : ("word")',
    );
    expect(search).toMatch(/VIRTUAL TABLE INDEX/);
    expect(search).not.toContain("USE TEMP B-TREE FOR ORDER BY");
    expect(search).not.toMatch(/SCAN (p|u)\b/);
  });
});

/** A small well-formedness check: balanced tags, quoted attributes, known entities. */
function isWellFormedXml(text: string): boolean {
  const body = text.replace(/^<\?xml[^>]*\?>/, "").replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "");
  if (/&(?!(amp|lt|gt|quot|#39|apos|#\d+|#x[0-9a-f]+);)/i.test(body)) return false;
  const stack: string[] = [];
  for (const m of body.matchAll(
    /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<[^>]*>/g,
  )) {
    if (!m[2]) return false;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else if (!m[4]) stack.push(m[2]);
  }
  return stack.length === 0;
}
