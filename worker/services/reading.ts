import { and, asc, desc, eq, exists, gt, sql } from "drizzle-orm";
import { z } from "zod";
import {
  memberships,
  publications,
  publishedPosts,
  publishedPostTags,
  slugRedirects,
  tags,
  users,
} from "../db/schema";
import { idPhrase, postsFts } from "../db/search-index";
import { before, decodeCursor, encodeCursor } from "../lib/cursor";
import { escapeHtml } from "../lib/markdown";
import { problem } from "../lib/problem";
import { heldWhileCurrent, scopes } from "./cache";
import type { ServiceContext } from "./context";

/**
 * The public read model: only published content, only through indexes. Used by
 * the Content API and the reader site alike; nothing here knows about drafts.
 */

export const listQuery = z.object({
  tag: z.string().trim().toLowerCase().max(60).optional(),
  author: z.string().trim().toLowerCase().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(15),
  cursor: z.string().max(300).optional(),
});

export const searchQuery = z.object({
  q: z.string().trim().max(200).default(""),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export interface PublicPublication {
  id: string;
  slug: string;
  name: string;
  description: string;
  locale: string;
  timezone: string;
}

/**
 * Every public read starts with its publication, which rarely changes: the
 * isolate holds what it read while the publication's cache generation stays
 * the same. Updating or deleting a publication bumps it (publications.ts).
 */
export async function findPublication(
  ctx: ServiceContext,
  slug: string,
): Promise<PublicPublication | null> {
  const key = slug.toLowerCase();
  return heldWhileCurrent(ctx.env, scopes.publication(key), async () => {
    const row = await ctx.db.query.publications.findFirst({ where: eq(publications.slug, key) });
    if (!row) return null;
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      description: row.description,
      locale: row.locale,
      timezone: row.timezone,
    };
  });
}

export async function requirePublication(ctx: ServiceContext, slug: string) {
  const pub = await findPublication(ctx, slug);
  if (!pub) throw problem(404, "No such publication.");
  return pub;
}

const summaryColumns = {
  id: publishedPosts.postId,
  slug: publishedPosts.slug,
  title: publishedPosts.title,
  excerpt: publishedPosts.excerpt,
  tags: publishedPosts.tags,
  featureMediaId: publishedPosts.featureMediaId,
  readingMinutes: publishedPosts.readingMinutes,
  publishedAt: publishedPosts.publishedAt,
  updatedAt: publishedPosts.updatedAt,
  authorName: users.name,
  authorHandle: users.handle,
};

type SummaryRow = {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  tags: string;
  featureMediaId: string | null;
  readingMinutes: number;
  publishedAt: string;
  updatedAt: string;
  authorName: string;
  authorHandle: string;
};

function toSummary(r: SummaryRow) {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    excerpt: r.excerpt,
    tags: JSON.parse(r.tags) as { slug: string; name: string }[],
    author: { name: r.authorName, handle: r.authorHandle },
    feature_media_id: r.featureMediaId,
    reading_minutes: r.readingMinutes,
    published_at: r.publishedAt,
    updated_at: r.updatedAt,
  };
}

export type PostSummary = ReturnType<typeof toSummary>;

/**
 * Newest first, keyset-paginated on (published_at, post_id). Each variant is
 * served by its own index: published_list_idx, published_tag_list_idx,
 * published_author_idx.
 */
export async function listPublished(
  ctx: ServiceContext,
  pub: PublicPublication,
  query: z.infer<typeof listQuery>,
): Promise<{ data: PostSummary[]; next_cursor: string | null }> {
  const after = decodeCursor(query.cursor);
  let rows: SummaryRow[];
  if (query.tag) {
    const tag = await ctx.db.query.tags.findFirst({
      where: and(eq(tags.publicationId, pub.id), eq(tags.slug, query.tag)),
      columns: { id: true },
    });
    if (!tag) return { data: [], next_cursor: null };
    rows = await ctx.db
      .select(summaryColumns)
      .from(publishedPostTags)
      .innerJoin(publishedPosts, eq(publishedPosts.postId, publishedPostTags.postId))
      .innerJoin(users, eq(users.id, publishedPosts.authorId))
      .where(
        and(
          eq(publishedPostTags.publicationId, pub.id),
          eq(publishedPostTags.tagId, tag.id),
          after
            ? before(publishedPostTags.publishedAt, publishedPostTags.postId, after)
            : undefined,
        ),
      )
      .orderBy(desc(publishedPostTags.publishedAt), desc(publishedPostTags.postId))
      .limit(query.limit + 1);
  } else {
    let authorId: string | undefined;
    if (query.author) {
      const author = await ctx.db.query.users.findFirst({
        where: eq(users.handle, query.author),
        columns: { id: true },
      });
      if (!author) return { data: [], next_cursor: null };
      authorId = author.id;
    }
    rows = await ctx.db
      .select(summaryColumns)
      .from(publishedPosts)
      .innerJoin(users, eq(users.id, publishedPosts.authorId))
      .where(
        and(
          eq(publishedPosts.publicationId, pub.id),
          authorId ? eq(publishedPosts.authorId, authorId) : undefined,
          after ? before(publishedPosts.publishedAt, publishedPosts.postId, after) : undefined,
        ),
      )
      .orderBy(desc(publishedPosts.publishedAt), desc(publishedPosts.postId))
      .limit(query.limit + 1);
  }
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(toSummary),
    next_cursor: rows.length > query.limit && last ? encodeCursor(last.publishedAt, last.id) : null,
  };
}

export type PublishedPostView = PostSummary & {
  body_html: string;
  body_markdown: string;
  version: number;
};

/** A live post by slug; `{ redirect }` when the slug used to be this post's. */
export async function getPublishedPost(
  ctx: ServiceContext,
  pub: PublicPublication,
  slug: string,
): Promise<{ post: PublishedPostView } | { redirect: string } | null> {
  const row = await ctx.db
    .select({
      ...summaryColumns,
      bodyHtml: publishedPosts.bodyHtml,
      bodyMarkdown: publishedPosts.bodyMarkdown,
      version: publishedPosts.version,
    })
    .from(publishedPosts)
    .innerJoin(users, eq(users.id, publishedPosts.authorId))
    .where(
      and(eq(publishedPosts.publicationId, pub.id), eq(publishedPosts.slug, slug.toLowerCase())),
    )
    .get();
  if (row) {
    return {
      post: {
        ...toSummary(row),
        body_html: row.bodyHtml,
        body_markdown: row.bodyMarkdown,
        version: row.version,
      },
    };
  }
  const moved = await ctx.db
    .select({ slug: publishedPosts.slug })
    .from(slugRedirects)
    .innerJoin(publishedPosts, eq(publishedPosts.postId, slugRedirects.postId))
    .where(and(eq(slugRedirects.publicationId, pub.id), eq(slugRedirects.oldSlug, slug)))
    .get();
  return moved ? { redirect: moved.slug } : null;
}

export async function listTags(ctx: ServiceContext, pub: PublicPublication) {
  // post_count is kept by publishing; counting here would grow with the archive.
  return ctx.db
    .select({
      slug: tags.slug,
      name: tags.name,
      description: tags.description,
      posts: tags.postCount,
    })
    .from(tags)
    .where(and(eq(tags.publicationId, pub.id), gt(tags.postCount, 0)))
    .orderBy(asc(tags.name));
}

/** A tag with at least one live post; tags only drafts use stay unknown to readers. */
export async function findTag(ctx: ServiceContext, pub: PublicPublication, slug: string) {
  return ctx.db
    .select({ slug: tags.slug, name: tags.name, description: tags.description })
    .from(tags)
    .where(
      and(
        eq(tags.publicationId, pub.id),
        eq(tags.slug, slug),
        exists(
          ctx.db
            .select({ one: sql`1` })
            .from(publishedPostTags)
            .where(
              and(
                eq(publishedPostTags.publicationId, pub.id),
                eq(publishedPostTags.tagId, tags.id),
              ),
            ),
        ),
      ),
    )
    .get();
}

/** Members with at least one live post; each check is an index seek. */
export async function listAuthors(ctx: ServiceContext, pub: PublicPublication) {
  return ctx.db
    .select({ name: users.name, handle: users.handle })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.publicationId, pub.id),
        exists(
          ctx.db
            .select({ one: sql`1` })
            .from(publishedPosts)
            .where(
              and(eq(publishedPosts.publicationId, pub.id), eq(publishedPosts.authorId, users.id)),
            ),
        ),
      ),
    )
    .orderBy(asc(users.name));
}

export async function findAuthor(ctx: ServiceContext, pub: PublicPublication, handle: string) {
  const row = await ctx.db
    .select({ id: users.id, name: users.name, handle: users.handle })
    .from(users)
    .innerJoin(
      memberships,
      and(eq(memberships.userId, users.id), eq(memberships.publicationId, pub.id)),
    )
    .where(eq(users.handle, handle))
    .get();
  return row ?? null;
}

// ---- search --------------------------------------------------------------------------------

/**
 * Turns what a reader typed into a safe FTS5 query: only words and quoted
 * phrases survive, each quoted, `word*` keeps its prefix star. Operators,
 * column filters and stray syntax are dropped, so no input can make FTS5 fail.
 */
export function toFtsQuery(input: string): string | null {
  const terms: string[] = [];
  const pattern = /"([^"]*)"|([\p{L}\p{N}_]+)(\*)?/gu;
  for (const match of input.matchAll(pattern)) {
    if (terms.length >= 8) break;
    if (match[1] !== undefined) {
      const words = match[1].match(/[\p{L}\p{N}_]+/gu);
      if (words?.length) terms.push(`"${words.join(" ")}"`);
    } else if (match[2]) {
      const word = match[2].slice(0, 40);
      if (/^(and|or|not|near)$/i.test(word) && !match[3]) continue;
      terms.push(match[3] ? `"${word}"*` : `"${word}"`);
    }
  }
  return terms.length ? terms.join(" ") : null;
}

const MARK_OPEN = "\u0002";
const MARK_CLOSE = "\u0003";

function highlight(snippet: string): string {
  return escapeHtml(snippet).replaceAll(MARK_OPEN, "<mark>").replaceAll(MARK_CLOSE, "</mark>");
}

/** Columns a reader's words are matched against (never the publication or post ids). */
const TEXT_COLUMNS = "{title excerpt body tags}";
const HEADING_COLUMNS = "{title tags}";

/**
 * Newest matches first, with posts whose title or tags hold the words ahead of
 * those that only mention them (ADR 016). Both lists are read newest first
 * from the index and stop at the page size, so the cost does not grow with
 * the archive; bm25 ranking would count every match of every word. One D1
 * round trip: the two lists run as one batch, joined to the posts they show.
 */
export async function searchPublished(
  ctx: ServiceContext,
  pub: PublicPublication,
  query: z.infer<typeof searchQuery>,
) {
  const terms = toFtsQuery(query.q);
  if (!terms) return { query: query.q, data: [] };
  const inPublication = `publication_id : ${idPhrase(pub.id)}`;
  const matches = (columns: string, limit: number) =>
    ctx.db
      .select({
        ...summaryColumns,
        titleHit: sql<string>`highlight(posts_fts, 0, ${MARK_OPEN}, ${MARK_CLOSE})`,
        snippet: sql<string>`snippet(posts_fts, 2, ${MARK_OPEN}, ${MARK_CLOSE}, '…', 18)`,
      })
      .from(postsFts)
      .innerJoin(publishedPosts, eq(publishedPosts.postId, postsFts.postId))
      .innerJoin(users, eq(users.id, publishedPosts.authorId))
      .where(
        sql`posts_fts MATCH ${`${inPublication} AND ${columns} : (${terms})${
          // Also as text, so the body snippet marks the words for a title match too.
          columns === TEXT_COLUMNS ? "" : ` AND ${TEXT_COLUMNS} : (${terms})`
        }`}`,
      )
      .orderBy(sql`posts_fts.rowid DESC`)
      .limit(limit);
  // The second list may repeat every post of the first: read enough to fill the page.
  const [inHeadings, anywhere] = await ctx.db.batch([
    matches(HEADING_COLUMNS, query.limit),
    matches(TEXT_COLUMNS, query.limit * 2),
  ]);
  const seen = new Set<string>();
  const data = [];
  for (const [rows, matchedIn] of [
    [inHeadings, "title_or_tags"],
    [anywhere, "text"],
  ] as const) {
    for (const row of rows) {
      if (data.length >= query.limit || seen.has(row.id)) continue;
      seen.add(row.id);
      data.push({
        ...toSummary(row),
        title_highlighted: highlight(row.titleHit),
        snippet_html: highlight(row.snippet),
        matched_in: matchedIn,
      });
    }
  }
  return { query: query.q, data };
}
