import { desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { publications, publishedPosts } from "../db/schema";
import type { AppEnv } from "../env";
import { serviceContext } from "../services/context";
import {
  atomFeed,
  type FeedSpec,
  llmsTxt,
  postMarkdown,
  robotsTxt,
  rssFeed,
  sitemap,
  sitemapIndex,
} from "../services/feeds";
import {
  findAuthor,
  findPublication,
  findTag,
  getPublishedPost,
  listPublished,
  type PublicPublication,
} from "../services/reading";

const FEED_SIZE = 20;
const SITEMAP_LIMIT = 50_000; // the sitemap protocol's per-file maximum

const origin = (c: Context<AppEnv>) => c.env.APP_ORIGIN || new URL(c.req.url).origin;
const services = (c: Context<AppEnv>) =>
  serviceContext(c.env, c.req.raw, c.get("requestId"), (p) => c.executionCtx.waitUntil(p));

const notFound = (c: Context<AppEnv>) => c.text("Not found\n", 404);

async function pubFrom(c: Context<AppEnv>): Promise<PublicPublication | null> {
  const raw = c.req.param("pub") ?? "";
  return raw.startsWith("@") ? findPublication(services(c), raw.slice(1)) : null;
}

async function feed(
  c: Context<AppEnv>,
  format: "atom" | "rss",
  filter: { tag?: string; author?: string },
) {
  const pub = await pubFrom(c);
  if (!pub) return notFound(c);
  const ctx = services(c);
  let subtitle: string | undefined;
  let pagePath = `/@${pub.slug}`;
  if (filter.tag) {
    const tag = await findTag(ctx, pub, filter.tag);
    if (!tag) return notFound(c);
    subtitle = `Tag: ${tag.name}`;
    pagePath += `/tag/${tag.slug}`;
  }
  if (filter.author) {
    const author = await findAuthor(ctx, pub, filter.author);
    if (!author) return notFound(c);
    subtitle = author.name;
    pagePath += `/author/${author.handle}`;
  }
  const full = c.req.query("summary") !== "1";
  const list = await listPublished(ctx, pub, { ...filter, limit: FEED_SIZE });
  // Full-text feeds need each post's HTML; one indexed read per entry, cached with the feed.
  const posts = full
    ? await Promise.all(
        list.data.map(async (p) => {
          const found = await getPublishedPost(ctx, pub, p.slug);
          return found && "post" in found ? found.post : p;
        }),
      )
    : list.data;
  const spec: FeedSpec = {
    origin: origin(c),
    pub,
    subtitle,
    pagePath,
    feedPath: c.req.path,
    posts,
    full,
  };
  const body = format === "atom" ? atomFeed(spec) : rssFeed(spec);
  const lastModified = list.data[0]?.updated_at;
  if (lastModified) c.header("Last-Modified", new Date(lastModified).toUTCString());
  return c.body(body, 200, {
    "Content-Type":
      format === "atom"
        ? "application/atom+xml; charset=utf-8"
        : "application/rss+xml; charset=utf-8",
  });
}

/** Non-HTML reader resources: feeds, sitemaps, robots.txt, llms.txt, Markdown posts. */
export const siteResources = new Hono<AppEnv>()
  .get("/robots.txt", (c) => c.text(robotsTxt(origin(c))))
  .get("/sitemap.xml", async (c) => {
    const rows = await services(c)
      .db.select({ slug: publications.slug })
      .from(publications)
      .limit(SITEMAP_LIMIT);
    c.header("Content-Type", "application/xml; charset=utf-8");
    return c.body(sitemapIndex(rows.map((r) => `${origin(c)}/@${r.slug}/sitemap.xml`)));
  })
  .get("/:pub{@[a-z0-9-]+}/sitemap.xml", async (c) => {
    const pub = await pubFrom(c);
    if (!pub) return notFound(c);
    const rows = await services(c)
      .db.select({ slug: publishedPosts.slug, updatedAt: publishedPosts.updatedAt })
      .from(publishedPosts)
      .where(eq(publishedPosts.publicationId, pub.id))
      .orderBy(desc(publishedPosts.publishedAt))
      .limit(SITEMAP_LIMIT - 1);
    const base = `${origin(c)}/@${pub.slug}`;
    c.header("Content-Type", "application/xml; charset=utf-8");
    return c.body(
      sitemap([
        { loc: base, lastmod: rows[0]?.updatedAt },
        ...rows.map((r) => ({ loc: `${base}/${r.slug}`, lastmod: r.updatedAt })),
      ]),
    );
  })
  .get("/:pub{@[a-z0-9-]+}/feed.xml", (c) => feed(c, "atom", {}))
  .get("/:pub{@[a-z0-9-]+}/rss.xml", (c) => feed(c, "rss", {}))
  .get("/:pub{@[a-z0-9-]+}/tag/:tag/feed.xml", (c) => feed(c, "atom", { tag: c.req.param("tag") }))
  .get("/:pub{@[a-z0-9-]+}/tag/:tag/rss.xml", (c) => feed(c, "rss", { tag: c.req.param("tag") }))
  .get("/:pub{@[a-z0-9-]+}/author/:handle/feed.xml", (c) =>
    feed(c, "atom", { author: c.req.param("handle") }),
  )
  .get("/:pub{@[a-z0-9-]+}/author/:handle/rss.xml", (c) =>
    feed(c, "rss", { author: c.req.param("handle") }),
  )
  .get("/:pub{@[a-z0-9-]+}/llms.txt", async (c) => {
    const pub = await pubFrom(c);
    if (!pub) return notFound(c);
    const list = await listPublished(services(c), pub, { limit: 50 });
    return c.text(llmsTxt(origin(c), pub, list.data));
  })
  .get("/:pub{@[a-z0-9-]+}/:file{[a-z0-9-]+\\.md}", async (c) => {
    const pub = await pubFrom(c);
    if (!pub) return notFound(c);
    const slug = c.req.param("file").slice(0, -3);
    const found = await getPublishedPost(services(c), pub, slug);
    if (!found) return notFound(c);
    if ("redirect" in found) return c.redirect(`/@${pub.slug}/${found.redirect}.md`, 301);
    return c.body(postMarkdown(origin(c), pub, found.post), 200, {
      "Content-Type": "text/markdown; charset=utf-8",
    });
  });
