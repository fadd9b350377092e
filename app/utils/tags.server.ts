import { asc, eq } from "drizzle-orm";
import { tags } from "../../worker/db/schema";
import type { Actor, ServiceContext } from "../../worker/services/context";
import { accessPublication } from "../../worker/services/publications";

export interface AdminTag {
  slug: string;
  name: string;
  description: string;
  /** Live posts carrying the tag (published_post_tags, read through its index). */
  published_posts: number;
}

/**
 * Every tag of a publication (tag rows are created when a post is saved with
 * them, so tags used only by drafts are listed too), with its count of
 * published posts. Members who may read posts may read this.
 *
 * Counts of working copies (drafts) are not given: their tags live in a JSON
 * array on `posts`, so counting them would scan the publication's posts.
 */
export async function listPublicationTags(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
): Promise<AdminTag[]> {
  const { publication } = await accessPublication(ctx, actor, pubRef, "posts.read");
  const rows = await ctx.db
    .select({
      slug: tags.slug,
      name: tags.name,
      description: tags.description,
      // Kept by publishing (worker/services/publishing.ts recountTags).
      publishedPosts: tags.postCount,
    })
    .from(tags)
    .where(eq(tags.publicationId, publication.id))
    .orderBy(asc(tags.name))
    .limit(1000);
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    description: r.description,
    published_posts: Number(r.publishedPosts),
  }));
}
