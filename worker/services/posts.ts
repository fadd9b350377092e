import { and, desc, eq, inArray, like, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { media, type Post, postRevisions, posts, type Role, tags, users } from "../db/schema";
import { uuidv7 } from "../lib/crypto";
import { before, decodeCursor, encodeCursor } from "../lib/cursor";
import { excerptFrom, renderMarkdown, slugify } from "../lib/markdown";
import { problem } from "../lib/problem";
import { auditStatement } from "./audit";
import type { Actor, ServiceContext } from "./context";
import type { Action } from "./permissions";
import { can, scopesAllow } from "./permissions";
import { accessPublication, type PublicationAccess } from "./publications";

// ---- input ------------------------------------------------------------------------

export const MAX_BODY_CHARS = 200_000;

const tagName = z.string().trim().min(1).max(40, "Tags are at most 40 characters.");
export const postSlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(100, "Slugs are at most 100 characters.")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lower-case letters, digits and dashes.");

const postFields = {
  title: z
    .string()
    .trim()
    .min(1, "Give the post a title.")
    .max(200, "Titles are at most 200 characters."),
  slug: postSlugSchema,
  excerpt: z.string().trim().max(500, "Excerpts are at most 500 characters."),
  body_markdown: z.string().max(MAX_BODY_CHARS, `Posts are at most ${MAX_BODY_CHARS} characters.`),
  tags: z.array(tagName).max(10, "Use at most 10 tags."),
  feature_media_id: z.string().min(1).max(64).nullable(),
};

export const postInput = z.object({
  title: postFields.title,
  slug: postFields.slug.optional(),
  excerpt: postFields.excerpt.optional(),
  body_markdown: postFields.body_markdown.default(""),
  tags: postFields.tags.default([]),
  feature_media_id: postFields.feature_media_id.optional(),
});

/**
 * A save names the version it started from; every other field is optional and
 * has no default, so a save changes only what it sends.
 */
export const postUpdateInput = z.object({
  title: postFields.title.optional(),
  slug: postFields.slug.optional(),
  excerpt: postFields.excerpt.optional(),
  body_markdown: postFields.body_markdown.optional(),
  tags: postFields.tags.optional(),
  feature_media_id: postFields.feature_media_id.optional(),
  version: z.number().int().positive().optional(),
});

export const POST_LIST_STATUSES = ["draft", "scheduled", "published", "archived"] as const;
export const postListQuery = z.object({
  status: z.enum(POST_LIST_STATUSES).optional(),
  tag: z.string().trim().max(60).optional(),
  author: z.string().trim().max(64).optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(300).optional(),
});

export type PostInput = z.infer<typeof postInput>;

// ---- views -------------------------------------------------------------------------

export function toPostView(p: Post) {
  return {
    id: p.id,
    publication_id: p.publicationId,
    author_id: p.authorId,
    slug: p.slug,
    title: p.title,
    excerpt: p.excerpt,
    body_markdown: p.bodyMarkdown,
    body_html: p.bodyHtml,
    tags: JSON.parse(p.tags) as string[],
    status: p.status,
    feature_media_id: p.featureMediaId,
    reading_minutes: p.readingMinutes,
    word_count: p.wordCount,
    version: p.version,
    published_version: p.publishedVersion,
    has_unpublished_changes: p.publishedVersion !== null && p.publishedVersion !== p.version,
    published_at: p.publishedAt,
    scheduled_at: p.scheduledAt,
    schedule_result: p.scheduleResult,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

export type PostView = ReturnType<typeof toPostView>;

// ---- permissions ----------------------------------------------------------------------

type PostVerb = "edit" | "publish" | "delete";

/** Whether this actor may do `verb` to this post: own-post and any-post rules of the role table. */
export function mayTouchPost(
  access: PublicationAccess,
  post: Pick<Post, "authorId" | "status">,
  verb: PostVerb,
): boolean {
  const own = access.actor.kind === "user" && access.actor.userId === post.authorId;
  const allowed = (action: Action) =>
    access.role
      ? can(access.role, action)
      : access.actor.kind === "api_key" && scopesAllow(access.actor.scopes, action);
  if (allowed(`posts.${verb}_any` as Action)) return true;
  if (!own || !allowed(`posts.${verb}_own` as Action)) return false;
  // Contributors edit their own drafts only; once published, editors take over.
  return !(
    verb === "edit" &&
    access.role === ("contributor" satisfies Role) &&
    post.status !== "draft"
  );
}

export function requirePostPermission(
  access: PublicationAccess,
  post: Pick<Post, "authorId" | "status">,
  verb: PostVerb,
) {
  if (!mayTouchPost(access, post, verb)) {
    throw problem(403, `Your role does not allow you to ${verb} this post.`, { code: "forbidden" });
  }
}

/** A post of this publication, or 404 (also for other publications' posts). */
export async function findPost(
  ctx: ServiceContext,
  publicationId: string,
  postId: string,
): Promise<Post> {
  const post = await ctx.db.query.posts.findFirst({
    where: and(eq(posts.id, postId), eq(posts.publicationId, publicationId)),
  });
  if (!post) throw problem(404, "No such post.");
  return post;
}

// ---- derived fields ----------------------------------------------------------------------

function rendered(input: { body_markdown: string; excerpt?: string }) {
  const md = renderMarkdown(input.body_markdown);
  return {
    bodyHtml: md.html,
    excerpt: input.excerpt || excerptFrom(md.text, 200),
    readingMinutes: md.readingMinutes,
    wordCount: md.wordCount,
  };
}

function normalizeTags(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) {
    const slug = slugify(name, 60);
    if (slug && !seen.has(slug)) seen.set(slug, name.trim());
  }
  return [...seen.values()];
}

/** A slug free in this publication: the requested one (409 if taken) or one made from the title. */
async function availableSlug(
  ctx: ServiceContext,
  publicationId: string,
  requested: string | undefined,
  title: string,
  postId?: string,
): Promise<string> {
  const isFree = async (slug: string) => {
    const taken = await ctx.db.query.posts.findFirst({
      where: and(eq(posts.publicationId, publicationId), eq(posts.slug, slug)),
      columns: { id: true },
    });
    return !taken || taken.id === postId;
  };
  if (requested) {
    if (await isFree(requested)) return requested;
    throw problem(409, "Another post already uses that slug.", {
      code: "slug_taken",
      errors: [{ field: "slug", message: "Another post already uses that slug." }],
    });
  }
  const base = slugify(title, 80) || "post";
  for (let n = 1; n < 100; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (await isFree(candidate)) return candidate;
  }
  return `${base}-${uuidv7().slice(-8)}`;
}

/** A feature image must be an image of this publication's own library. */
async function requireFeatureImage(
  ctx: ServiceContext,
  publicationId: string,
  id: string | null | undefined,
) {
  if (!id) return;
  const found = await ctx.db.query.media.findFirst({
    where: and(eq(media.id, id), eq(media.publicationId, publicationId)),
    columns: { kind: true },
  });
  if (found?.kind !== "image") {
    throw problem(422, "The feature image must be an image from this publication's media.", {
      errors: [{ field: "feature_media_id", message: "Choose an image from the media library." }],
    });
  }
}

/** Makes sure a tag row exists for every name, so the tags page lists them. */
function tagStatements(ctx: ServiceContext, publicationId: string, names: string[]) {
  return names.map((name) =>
    ctx.db
      .insert(tags)
      .values({ id: uuidv7(), publicationId, slug: slugify(name, 60), name })
      .onConflictDoNothing(),
  );
}

/** Copies the post row, as just written, into its revision history. */
function revisionStatement(ctx: ServiceContext, postId: string, version: number, actor: Actor) {
  const editor = actor.kind === "user" ? actor.userId : null;
  return ctx.db.insert(postRevisions).select(
    ctx.db
      .select({
        postId: posts.id,
        version: posts.version,
        title: posts.title,
        slug: posts.slug,
        excerpt: posts.excerpt,
        bodyMarkdown: posts.bodyMarkdown,
        tags: posts.tags,
        featureMediaId: posts.featureMediaId,
        authorId: editor ? sql<string>`${editor}` : posts.authorId,
        createdAt: posts.updatedAt,
      })
      .from(posts)
      .where(and(eq(posts.id, postId), eq(posts.version, version))),
  );
}

// ---- commands -------------------------------------------------------------------------------

export async function createPost(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  input: PostInput,
) {
  const access = await accessPublication(ctx, actor, pubRef, "posts.create");
  const pub = access.publication;
  // API keys write as the publication's owner of record: the first owner.
  const authorId = actor.kind === "user" ? actor.userId : await ownerOf(ctx, pub.id);
  await requireFeatureImage(ctx, pub.id, input.feature_media_id);
  const slug = await availableSlug(ctx, pub.id, input.slug, input.title);
  const tagNames = normalizeTags(input.tags);
  const id = uuidv7();
  const now = new Date().toISOString();
  await ctx.db.batch([
    ctx.db.insert(posts).values({
      id,
      publicationId: pub.id,
      authorId,
      slug,
      title: input.title,
      bodyMarkdown: input.body_markdown,
      tags: JSON.stringify(tagNames),
      featureMediaId: input.feature_media_id ?? null,
      locale: pub.locale,
      createdAt: now,
      updatedAt: now,
      ...rendered(input),
    }),
    revisionStatement(ctx, id, 1, actor),
    ...tagStatements(ctx, pub.id, tagNames),
    auditStatement(ctx, {
      action: "post.created",
      actor,
      publicationId: pub.id,
      targetType: "post",
      targetId: id,
      metadata: { title: input.title },
    }),
  ]);
  return toPostView(await findPost(ctx, pub.id, id));
}

async function ownerOf(ctx: ServiceContext, publicationId: string): Promise<string> {
  const row = await ctx.db.query.memberships.findFirst({
    where: (m, { and, eq }) => and(eq(m.publicationId, publicationId), eq(m.role, "owner")),
  });
  if (!row) throw problem(409, "The publication has no owner to write as.");
  return row.userId;
}

export async function getPost(ctx: ServiceContext, actor: Actor, pubRef: string, postId: string) {
  const access = await accessPublication(ctx, actor, pubRef, "posts.read");
  const post = await findPost(ctx, access.publication.id, postId);
  return { post: toPostView(post), access };
}

/**
 * Saves a new version of the working copy. `expectedVersion` is the version
 * the editor started from: if someone saved since, nothing is written and the
 * answer is 412 with the current version, so the editor can show both.
 */
export async function updatePost(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  postId: string,
  input: z.infer<typeof postUpdateInput>,
  expectedVersion: number | undefined,
) {
  const access = await accessPublication(ctx, actor, pubRef, "posts.read");
  const current = await findPost(ctx, access.publication.id, postId);
  requirePostPermission(access, current, "edit");
  if (expectedVersion === undefined) {
    throw problem(428, "Send the version you started from (If-Match or `version`).", {
      code: "version_required",
    });
  }
  if (expectedVersion !== current.version) throw stale(current);
  await requireFeatureImage(ctx, access.publication.id, input.feature_media_id);

  const title = input.title ?? current.title;
  const body = input.body_markdown ?? current.bodyMarkdown;
  const slug =
    input.slug !== undefined && input.slug !== current.slug
      ? await availableSlug(ctx, access.publication.id, input.slug, title, postId)
      : current.slug;
  const tagNames = input.tags ? normalizeTags(input.tags) : (JSON.parse(current.tags) as string[]);
  const excerpt =
    input.excerpt ??
    (current.excerpt && input.body_markdown === undefined ? current.excerpt : undefined);
  const featureMediaId =
    input.feature_media_id === undefined ? current.featureMediaId : input.feature_media_id;
  const unchanged =
    title === current.title &&
    slug === current.slug &&
    body === current.bodyMarkdown &&
    JSON.stringify(tagNames) === current.tags &&
    featureMediaId === current.featureMediaId &&
    (input.excerpt === undefined || input.excerpt === current.excerpt);
  // Autosave of an untouched post: no new version, no revision.
  if (unchanged) return toPostView(current);
  const next = expectedVersion + 1;

  const results = await ctx.db.batch([
    ctx.db
      .update(posts)
      .set({
        title,
        slug,
        bodyMarkdown: body,
        tags: JSON.stringify(tagNames),
        featureMediaId:
          input.feature_media_id === undefined ? current.featureMediaId : input.feature_media_id,
        version: next,
        updatedAt: new Date().toISOString(),
        ...rendered({ body_markdown: body, excerpt }),
      })
      .where(and(eq(posts.id, postId), eq(posts.version, expectedVersion)))
      .returning(),
    revisionStatement(ctx, postId, next, actor),
    ...tagStatements(ctx, access.publication.id, tagNames),
  ]);
  const updated = results[0][0];
  if (!updated) throw stale(await findPost(ctx, access.publication.id, postId));
  return toPostView(updated);
}

function stale(current: Post) {
  return problem(
    412,
    "Someone saved this post after you started editing. Compare and save again.",
    {
      code: "stale_version",
      headers: { ETag: `"${current.version}"` },
      extra: { current: toPostView(current) },
    },
  );
}

export async function listPosts(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  query: z.infer<typeof postListQuery>,
) {
  const access = await accessPublication(ctx, actor, pubRef, "posts.read");
  const pubId = access.publication.id;
  const conditions: (SQL | undefined)[] = [eq(posts.publicationId, pubId)];
  if (query.status) conditions.push(eq(posts.status, query.status));
  if (query.author) {
    const author = await ctx.db.query.users.findFirst({
      where: or(eq(users.id, query.author), eq(users.handle, query.author.toLowerCase())),
      columns: { id: true },
    });
    conditions.push(eq(posts.authorId, author?.id ?? "-"));
  }
  if (query.tag) {
    // Tags of working copies live in a small JSON array; match the exact quoted name.
    conditions.push(
      like(posts.tags, `%${JSON.stringify(query.tag).slice(0, -1).replace(/[%_]/g, "")}"%`),
    );
  }
  if (query.q) conditions.push(like(posts.title, `%${query.q.replace(/[%_]/g, "")}%`));
  const after = decodeCursor(query.cursor);
  if (after) {
    conditions.push(before(posts.updatedAt, posts.id, after));
  }
  const rows = await ctx.db
    .select({
      id: posts.id,
      title: posts.title,
      slug: posts.slug,
      status: posts.status,
      authorId: posts.authorId,
      authorName: users.name,
      tags: posts.tags,
      version: posts.version,
      publishedVersion: posts.publishedVersion,
      publishedAt: posts.publishedAt,
      scheduledAt: posts.scheduledAt,
      scheduleResult: posts.scheduleResult,
      updatedAt: posts.updatedAt,
      wordCount: posts.wordCount,
    })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .where(and(...conditions))
    .orderBy(desc(posts.updatedAt), desc(posts.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      id: r.id,
      title: r.title,
      slug: r.slug,
      status: r.status,
      author: { id: r.authorId, name: r.authorName },
      tags: JSON.parse(r.tags) as string[],
      version: r.version,
      has_unpublished_changes: r.publishedVersion !== null && r.publishedVersion !== r.version,
      published_at: r.publishedAt,
      scheduled_at: r.scheduledAt,
      schedule_result: r.scheduleResult,
      updated_at: r.updatedAt,
      word_count: r.wordCount,
    })),
    next_cursor: rows.length > query.limit && last ? encodeCursor(last.updatedAt, last.id) : null,
  };
}

// ---- revisions -------------------------------------------------------------------------------

export async function listRevisions(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  postId: string,
) {
  const access = await accessPublication(ctx, actor, pubRef, "posts.read");
  await findPost(ctx, access.publication.id, postId);
  const rows = await ctx.db
    .select({
      version: postRevisions.version,
      title: postRevisions.title,
      authorId: postRevisions.authorId,
      authorName: users.name,
      createdAt: postRevisions.createdAt,
      length: sql<number>`length(${postRevisions.bodyMarkdown})`,
    })
    .from(postRevisions)
    .leftJoin(users, eq(users.id, postRevisions.authorId))
    .where(eq(postRevisions.postId, postId))
    .orderBy(desc(postRevisions.version))
    .limit(200);
  return rows.map((r) => ({
    version: r.version,
    title: r.title,
    author: { id: r.authorId, name: r.authorName },
    created_at: r.createdAt,
    characters: r.length,
  }));
}

export async function getRevision(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  postId: string,
  version: number,
) {
  const access = await accessPublication(ctx, actor, pubRef, "posts.read");
  await findPost(ctx, access.publication.id, postId);
  const rev = await ctx.db.query.postRevisions.findFirst({
    where: and(eq(postRevisions.postId, postId), eq(postRevisions.version, version)),
  });
  if (!rev) throw problem(404, "No such revision.");
  return {
    version: rev.version,
    title: rev.title,
    slug: rev.slug,
    excerpt: rev.excerpt,
    body_markdown: rev.bodyMarkdown,
    tags: JSON.parse(rev.tags) as string[],
    feature_media_id: rev.featureMediaId,
    author_id: rev.authorId,
    created_at: rev.createdAt,
  };
}

/** Restoring is a save: the old content becomes a new version (history is never rewritten). */
export async function restoreRevision(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  postId: string,
  version: number,
  expectedVersion: number | undefined,
) {
  const rev = await getRevision(ctx, actor, pubRef, postId, version);
  return updatePost(
    ctx,
    actor,
    pubRef,
    postId,
    {
      title: rev.title,
      slug: rev.slug,
      excerpt: rev.excerpt,
      body_markdown: rev.body_markdown,
      tags: rev.tags,
      feature_media_id: rev.feature_media_id,
    },
    expectedVersion,
  );
}

export async function postsByIds(ctx: ServiceContext, publicationId: string, ids: string[]) {
  if (!ids.length) return [];
  return ctx.db.query.posts.findMany({
    where: and(eq(posts.publicationId, publicationId), inArray(posts.id, ids)),
  });
}
