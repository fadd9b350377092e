import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { database } from "../db/client";
import {
  type Post,
  posts,
  publications,
  publishedPosts,
  publishedPostTags,
  slugRedirects,
  tags,
  users,
} from "../db/schema";
import { postsFts, searchRowOf } from "../db/search-index";
import type { Env } from "../env";
import { uuidv7 } from "../lib/crypto";
import { renderMarkdown, slugify } from "../lib/markdown";
import { problem } from "../lib/problem";
import { auditStatement } from "./audit";
import { scopes } from "./cache";
import type { Actor, RequestMeta, ServiceContext } from "./context";
import { findPost, requirePostPermission, toPostView } from "./posts";
import { accessPublication } from "./publications";

export const scheduleInput = z.object({
  /** ISO-8601 instant, e.g. 2026-12-01T09:00:00+01:00; seconds are dropped (publishing is per minute). */
  publish_at: z.iso.datetime({ offset: true, message: "Use an ISO-8601 time with a time zone." }),
});

export interface PublishOutcome {
  /** False when the same version was already live (a second trigger): nothing happened. */
  changed: boolean;
  post: ReturnType<typeof toPostView>;
  /** Cache scopes whose generations must move. */
  scopes: string[];
}

/** Facts a Durable Object needs to act for a request it did not receive itself. */
export interface Delegation {
  actor: Actor;
  meta: RequestMeta;
}

const hubFor = (env: Env, publicationId: string) =>
  env.PUBLICATION_HUB.get(env.PUBLICATION_HUB.idFromName(publicationId));

// ---- requests from the API and the admin app: authorize, then hand to the hub --------------

/**
 * The tenant gate and the post rule for `verb`, then the publication's hub and
 * the delegation it acts under: every publishing request starts here.
 */
async function authorize(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  postId: string,
  verb: "publish" | "delete",
) {
  const access = await accessPublication(ctx, actor, pubRef, "posts.read");
  requirePostPermission(access, await findPost(ctx, access.publication.id, postId), verb);
  const publicationId = access.publication.id;
  return { hub: hubFor(ctx.env, publicationId), publicationId, by: { actor, meta: ctx.meta } };
}

export async function requestPublish(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  postId: string,
) {
  const { hub, publicationId, by } = await authorize(ctx, actor, pubRef, postId, "publish");
  return hub.publish(publicationId, postId, by);
}

export async function requestUnpublish(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  postId: string,
) {
  const { hub, publicationId, by } = await authorize(ctx, actor, pubRef, postId, "publish");
  return hub.unpublish(publicationId, postId, by);
}

export async function requestSchedule(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  postId: string,
  publishAt: string | null,
) {
  const { hub, publicationId, by } = await authorize(ctx, actor, pubRef, postId, "publish");
  let at: number | null = null;
  if (publishAt) {
    at = Math.floor(Date.parse(publishAt) / 60_000) * 60_000;
    if (at < Date.now() - 60_000) {
      throw problem(422, "Choose a time in the future.", {
        errors: [{ field: "publish_at", message: "Choose a time in the future." }],
      });
    }
  }
  return hub.schedule(publicationId, postId, at, by);
}

export async function requestDelete(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  postId: string,
) {
  const { hub, publicationId, by } = await authorize(ctx, actor, pubRef, postId, "delete");
  await hub.remove(publicationId, postId, by);
}

// ---- what the hub runs, one at a time per publication ----------------------------------------

export function hubContext(env: Env, meta: RequestMeta): ServiceContext {
  return { env, db: database(env.DB), meta, waitUntil: () => {} };
}

async function publicationSlug(ctx: ServiceContext, publicationId: string) {
  const pub = await ctx.db.query.publications.findFirst({
    where: eq(publications.id, publicationId),
    columns: { slug: true },
  });
  if (!pub) throw problem(404, "No such publication.");
  return pub.slug;
}

async function authorHandle(ctx: ServiceContext, userId: string) {
  const u = await ctx.db.query.users.findFirst({
    where: eq(users.id, userId),
    columns: { handle: true },
  });
  return u?.handle ?? userId;
}

const tagList = (json: string) =>
  (JSON.parse(json) as string[])
    .map((name) => ({ slug: slugify(name, 60), name }))
    .filter((t) => t.slug);

/**
 * Makes the working copy live: published_posts, its tags, the search index,
 * the old slug's redirect and the post's state change in one D1 batch. If this
 * version is already live it does nothing, so a repeated trigger publishes once.
 */
export async function publishNow(
  ctx: ServiceContext,
  actor: Actor,
  publicationId: string,
  postId: string,
  via: "now" | "schedule" = "now",
): Promise<PublishOutcome> {
  const post = await findPost(ctx, publicationId, postId);
  const pubSlug = await publicationSlug(ctx, publicationId);
  if (post.status === "published" && post.publishedVersion === post.version) {
    return { changed: false, post: toPostView(post), scopes: [] };
  }
  const live = await ctx.db.query.publishedPosts.findFirst({
    where: eq(publishedPosts.postId, postId),
  });
  const now = new Date().toISOString();
  const publishedAt = live?.publishedAt ?? post.publishedAt ?? now;
  const newTags = tagList(post.tags);
  const text = renderMarkdown(post.bodyMarkdown).text;
  const values = {
    postId,
    publicationId,
    authorId: post.authorId,
    slug: post.slug,
    title: post.title,
    excerpt: post.excerpt,
    bodyHtml: post.bodyHtml,
    bodyMarkdown: post.bodyMarkdown,
    tags: JSON.stringify(newTags),
    featureMediaId: post.featureMediaId,
    readingMinutes: post.readingMinutes,
    version: post.version,
    publishedAt,
    updatedAt: now,
  };

  await ctx.db.batch([
    ctx.db
      .insert(publishedPosts)
      .values(values)
      .onConflictDoUpdate({ target: publishedPosts.postId, set: values }),
    ctx.db.delete(publishedPostTags).where(eq(publishedPostTags.postId, postId)),
    ...newTags.map((t) =>
      ctx.db
        .insert(tags)
        .values({ id: uuidv7(), publicationId, slug: t.slug, name: t.name })
        .onConflictDoNothing(),
    ),
    ...newTags.map((t) =>
      ctx.db
        .insert(publishedPostTags)
        .select(
          ctx.db
            .select({
              publicationId: sql<string>`${publicationId}`.as("publication_id"),
              tagId: tags.id,
              postId: sql<string>`${postId}`.as("post_id"),
              publishedAt: sql<string>`${publishedAt}`.as("published_at"),
            })
            .from(tags)
            .where(and(eq(tags.publicationId, publicationId), eq(tags.slug, t.slug))),
        )
        .onConflictDoNothing(),
    ),
    ctx.db.delete(postsFts).where(searchRowOf(postId)),
    ctx.db.insert(postsFts).values({
      title: post.title,
      excerpt: post.excerpt,
      body: text,
      tags: newTags.map((t) => t.name).join(" "),
      publicationId,
      postId,
    }),
    // The new slug is live: it can no longer redirect elsewhere.
    ctx.db
      .delete(slugRedirects)
      .where(
        and(eq(slugRedirects.publicationId, publicationId), eq(slugRedirects.oldSlug, post.slug)),
      ),
    ...(live && live.slug !== post.slug
      ? [
          ctx.db
            .insert(slugRedirects)
            .values({ publicationId, oldSlug: live.slug, postId })
            .onConflictDoUpdate({
              target: [slugRedirects.publicationId, slugRedirects.oldSlug],
              set: { postId },
            }),
        ]
      : []),
    ctx.db
      .update(posts)
      .set({
        status: "published",
        publishedVersion: post.version,
        publishedAt,
        scheduledAt: null,
        scheduleResult: via === "schedule" ? `published at ${now}` : post.scheduleResult,
      })
      .where(eq(posts.id, postId)),
    recountTags(ctx, publicationId, [
      ...newTags.map((t) => t.slug),
      ...(live ? (JSON.parse(live.tags) as { slug: string }[]).map((t) => t.slug) : []),
    ]),
    auditStatement(ctx, {
      action: via === "schedule" ? "post.published_on_schedule" : "post.published",
      actor,
      publicationId,
      targetType: "post",
      targetId: postId,
      metadata: { version: post.version, slug: post.slug },
    }),
  ]);

  const oldTags = live ? (JSON.parse(live.tags) as { slug: string }[]) : [];
  const touched = new Set([
    scopes.post(pubSlug, post.slug),
    ...(live ? [scopes.post(pubSlug, live.slug)] : []),
    scopes.lists(pubSlug),
    scopes.author(pubSlug, await authorHandle(ctx, post.authorId)),
    ...[...oldTags, ...newTags].map((t) => scopes.tag(pubSlug, t.slug)),
  ]);
  return {
    changed: true,
    post: toPostView(await findPost(ctx, publicationId, postId)),
    scopes: [...touched],
  };
}

/** Takes a post off the public site (it stays as a draft). */
export async function unpublishNow(
  ctx: ServiceContext,
  actor: Actor,
  publicationId: string,
  postId: string,
): Promise<PublishOutcome> {
  const post = await findPost(ctx, publicationId, postId);
  const live = await ctx.db.query.publishedPosts.findFirst({
    where: eq(publishedPosts.postId, postId),
  });
  const pubSlug = await publicationSlug(ctx, publicationId);
  await ctx.db.batch([
    ctx.db
      .update(posts)
      .set({ status: "draft", publishedVersion: null, scheduledAt: null })
      .where(eq(posts.id, postId)),
    ...retireStatements(ctx, postId),
    recountTags(ctx, publicationId, liveTagSlugs(live)),
    auditStatement(ctx, {
      action: "post.unpublished",
      actor,
      publicationId,
      targetType: "post",
      targetId: postId,
    }),
  ]);
  return {
    changed: Boolean(live),
    post: toPostView(await findPost(ctx, publicationId, postId)),
    scopes: live ? await liveScopes(ctx, pubSlug, post, live.slug, live.tags) : [],
  };
}

/** Deletes a post, live copy and search entry included. */
export async function deleteNow(
  ctx: ServiceContext,
  actor: Actor,
  publicationId: string,
  postId: string,
) {
  const post = await findPost(ctx, publicationId, postId);
  const live = await ctx.db.query.publishedPosts.findFirst({
    where: eq(publishedPosts.postId, postId),
  });
  const pubSlug = await publicationSlug(ctx, publicationId);
  await ctx.db.batch([
    auditStatement(ctx, {
      action: "post.deleted",
      actor,
      publicationId,
      targetType: "post",
      targetId: postId,
      metadata: { title: post.title, slug: post.slug },
    }),
    ...retireStatements(ctx, postId),
    recountTags(ctx, publicationId, liveTagSlugs(live)),
    ctx.db.delete(posts).where(eq(posts.id, postId)),
  ]);
  return live ? liveScopes(ctx, pubSlug, post, live.slug, live.tags) : [];
}

/**
 * Recounts live posts for these tags (an index range per tag, on the write
 * path), so tag lists read a stored number instead of counting on every view.
 */
export function recountTags(ctx: ServiceContext, publicationId: string, slugs: string[]) {
  return ctx.db
    .update(tags)
    .set({
      postCount: sql`(SELECT count(*) FROM published_post_tags t WHERE t.tag_id = ${tags.id})`,
    })
    .where(and(eq(tags.publicationId, publicationId), inArray(tags.slug, [...new Set(slugs), ""])));
}

const liveTagSlugs = (live: { tags: string } | undefined) =>
  live ? (JSON.parse(live.tags) as { slug: string }[]).map((t) => t.slug) : [];

function retireStatements(ctx: ServiceContext, postId: string) {
  return [
    ctx.db.delete(postsFts).where(searchRowOf(postId)),
    ctx.db.delete(publishedPostTags).where(eq(publishedPostTags.postId, postId)),
    ctx.db.delete(publishedPosts).where(eq(publishedPosts.postId, postId)),
    ctx.db.delete(slugRedirects).where(eq(slugRedirects.postId, postId)),
  ];
}

async function liveScopes(
  ctx: ServiceContext,
  pubSlug: string,
  post: Post,
  liveSlug: string,
  liveTags: string,
) {
  return [
    scopes.post(pubSlug, liveSlug),
    scopes.lists(pubSlug),
    scopes.author(pubSlug, await authorHandle(ctx, post.authorId)),
    ...(JSON.parse(liveTags) as { slug: string }[]).map((t) => scopes.tag(pubSlug, t.slug)),
  ];
}

/** Records a schedule on the post (the hub holds the alarm). `at` null cancels. */
export async function markScheduled(
  ctx: ServiceContext,
  actor: Actor,
  publicationId: string,
  postId: string,
  at: number | null,
) {
  const post = await findPost(ctx, publicationId, postId);
  const isLive = post.publishedVersion !== null;
  await ctx.db.batch([
    ctx.db
      .update(posts)
      .set({
        scheduledAt: at ? new Date(at).toISOString() : null,
        status: at ? (isLive ? "published" : "scheduled") : isLive ? "published" : "draft",
        scheduleResult: null,
      })
      .where(eq(posts.id, postId)),
    auditStatement(ctx, {
      action: at ? "post.scheduled" : "post.schedule_cancelled",
      actor,
      publicationId,
      targetType: "post",
      targetId: postId,
      metadata: at ? { publish_at: new Date(at).toISOString() } : {},
    }),
  ]);
  return toPostView(await findPost(ctx, publicationId, postId));
}

/** Records a failed scheduled publish on the post, for the admin to see. */
export async function markScheduleFailed(ctx: ServiceContext, postId: string, error: string) {
  await ctx.db
    .update(posts)
    .set({ scheduleResult: `failed: ${error.slice(0, 200)}` })
    .where(eq(posts.id, postId));
}
