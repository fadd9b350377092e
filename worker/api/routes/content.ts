import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { problem } from "../../lib/problem";
import {
  getPublishedPost,
  listAuthors,
  listPublished,
  listQuery,
  listTags,
  requirePublication,
  searchPublished,
  searchQuery,
} from "../../services/reading";
import { validate } from "../validate";

const pubParam = z.object({ pub: z.string().min(1).max(64) });
const postParam = pubParam.extend({ slug: z.string().min(1).max(120) });

/**
 * `/api/v1/content/{pub}`: the public, read-only Content API. Only published
 * content; cached at the edge by the publicCache middleware (ETag, 304).
 */
export const content = new Hono<AppEnv>()
  .get("/:pub", validate("param", pubParam), async (c) => {
    const pub = await requirePublication(c.get("services"), c.req.valid("param").pub);
    return c.json({
      slug: pub.slug,
      name: pub.name,
      description: pub.description,
      locale: pub.locale,
      timezone: pub.timezone,
      links: {
        posts: `/api/v1/content/${pub.slug}/posts`,
        site: `/@${pub.slug}`,
        feed: `/@${pub.slug}/feed.xml`,
      },
    });
  })
  .get("/:pub/posts", validate("param", pubParam), validate("query", listQuery), async (c) => {
    const services = c.get("services");
    const pub = await requirePublication(services, c.req.valid("param").pub);
    return c.json(await listPublished(services, pub, c.req.valid("query")));
  })
  .get("/:pub/posts/:slug", validate("param", postParam), async (c) => {
    const services = c.get("services");
    const { pub: pubSlug, slug } = c.req.valid("param");
    const pub = await requirePublication(services, pubSlug);
    const found = await getPublishedPost(services, pub, slug);
    if (!found) throw problem(404, "No published post has that slug.");
    if ("redirect" in found) {
      return c.redirect(`/api/v1/content/${pub.slug}/posts/${found.redirect}`, 301);
    }
    c.header("Last-Modified", new Date(found.post.updated_at).toUTCString());
    return c.json(found.post);
  })
  .get("/:pub/tags", validate("param", pubParam), async (c) => {
    const services = c.get("services");
    const pub = await requirePublication(services, c.req.valid("param").pub);
    return c.json({ data: await listTags(services, pub) });
  })
  .get("/:pub/authors", validate("param", pubParam), async (c) => {
    const services = c.get("services");
    const pub = await requirePublication(services, c.req.valid("param").pub);
    return c.json({ data: await listAuthors(services, pub) });
  })
  .get("/:pub/search", validate("param", pubParam), validate("query", searchQuery), async (c) => {
    const services = c.get("services");
    const pub = await requirePublication(services, c.req.valid("param").pub);
    return c.json(await searchPublished(services, pub, c.req.valid("query")));
  });
