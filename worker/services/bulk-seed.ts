import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import {
  memberships,
  posts,
  publications,
  publishedPosts,
  publishedPostTags,
  tags,
  users,
} from "../db/schema";
import { postsFts } from "../db/search-index";
import { uuidv7 } from "../lib/crypto";
import { renderMarkdown } from "../lib/markdown";
import type { ServiceContext } from "./context";
import { hashPassword } from "./passwords";
import { recountTags } from "./publishing";

/**
 * Load generator for benchmarks: many published posts in one publication,
 * written straight into the tables publishing fills (posts, published_posts,
 * tags, search index) in D1 batches. Development and benchmarks only.
 */
export const bulkSeedInput = z.object({
  publication: z.string().regex(/^[a-z0-9-]{2,48}$/),
  /** Posts to add in this call (callers loop with progress). */
  count: z.number().int().min(1).max(1000),
  /** Sequence number of the first post, so repeated calls make distinct slugs. */
  start: z.number().int().min(0),
});

const WORDS =
  "edge cache reader writer publish draft story column essay letter morning evening city river market garden library train harbor island winter summer autumn spring coffee bread music theatre museum bridge street window mountain forest ocean valley signal network latency archive history future science design typography paper ink camera portrait journey village station island lantern quiet careful honest patient curious bright gentle".split(
    " ",
  );
const TAGS = [
  "Engineering",
  "Design",
  "Writing",
  "Travel",
  "Science",
  "Culture",
  "Food",
  "Music",
  "Cities",
  "Books",
];
// A term that appears in about 1 in 5,000 posts, so benchmarks can search something rare.
export const RARE_TERM = "quetzalcoatl";

function rng(seed: number) {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function paragraph(next: () => number, words: number, n: number) {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(next() * WORDS.length)]!);
  if (n % 5000 === 0) out.push(RARE_TERM);
  const text = out.join(" ");
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

export async function bulkSeed(ctx: ServiceContext, input: z.infer<typeof bulkSeedInput>) {
  let pub = await ctx.db.query.publications.findFirst({
    where: eq(publications.slug, input.publication),
  });
  if (!pub) {
    const id = uuidv7();
    const authorId = uuidv7();
    await ctx.db.batch([
      ctx.db
        .insert(publications)
        .values({ id, slug: input.publication, name: `Bench ${input.publication}` }),
      ctx.db.insert(users).values({
        id: authorId,
        email: `bench-${input.publication}@folio.example`,
        name: "Bench Writer",
        handle: `bench-${input.publication}`.slice(0, 40),
        passwordHash: await hashPassword("folio-bench-password", ctx.env.PASSWORD_PEPPER),
        emailVerifiedAt: new Date().toISOString(),
      }),
      ctx.db.insert(memberships).values({ publicationId: id, userId: authorId, role: "owner" }),
      ...TAGS.map((name) =>
        ctx.db
          .insert(tags)
          .values({ id: uuidv7(), publicationId: id, slug: name.toLowerCase(), name }),
      ),
    ]);
    pub = (await ctx.db.query.publications.findFirst({ where: eq(publications.id, id) }))!;
  }
  const owner = await ctx.db.query.memberships.findFirst({
    where: (m, { and, eq }) => and(eq(m.publicationId, pub.id), eq(m.role, "owner")),
  });
  const tagRows = await ctx.db.query.tags.findMany({ where: eq(tags.publicationId, pub.id) });

  // Dates go back one hour per post from a fixed point, so lists have a stable order.
  const epoch = Date.parse("2026-01-01T00:00:00Z");
  const statements = [];
  for (let i = input.start; i < input.start + input.count; i++) {
    const next = rng(i + 1);
    const title = `${paragraph(next, 5, 1).slice(0, -1)} ${i}`;
    const body = [
      paragraph(next, 40, i),
      `## ${paragraph(next, 4, 1)}`,
      paragraph(next, 60, 1),
    ].join("\n\n");
    const md = renderMarkdown(body);
    const postTags = [tagRows[i % tagRows.length]!, tagRows[(i * 7 + 3) % tagRows.length]!].filter(
      (t, j, all) => all.indexOf(t) === j,
    );
    const id = uuidv7();
    const at = new Date(epoch - i * 3_600_000).toISOString();
    const slug = `post-${i}`;
    const excerpt = md.text.slice(0, 160);
    statements.push(
      ctx.db.insert(posts).values({
        id,
        publicationId: pub.id,
        authorId: owner!.userId,
        slug,
        title,
        excerpt,
        bodyMarkdown: body,
        bodyHtml: md.html,
        tags: JSON.stringify(postTags.map((t) => t.name)),
        status: "published",
        readingMinutes: md.readingMinutes,
        wordCount: md.wordCount,
        publishedVersion: 1,
        publishedAt: at,
        createdAt: at,
        updatedAt: at,
      }),
      ctx.db.insert(publishedPosts).values({
        postId: id,
        publicationId: pub.id,
        authorId: owner!.userId,
        slug,
        title,
        excerpt,
        bodyHtml: md.html,
        bodyMarkdown: body,
        tags: JSON.stringify(postTags.map((t) => ({ slug: t.slug, name: t.name }))),
        readingMinutes: md.readingMinutes,
        version: 1,
        publishedAt: at,
        updatedAt: at,
      }),
      ...postTags.map((t) =>
        ctx.db
          .insert(publishedPostTags)
          .values({ publicationId: pub.id, tagId: t.id, postId: id, publishedAt: at }),
      ),
      ctx.db.insert(postsFts).values({
        title,
        excerpt,
        body: md.text,
        tags: postTags.map((t) => t.name).join(" "),
        publicationId: pub.id,
        postId: id,
      }),
    );
  }
  await ctx.db.batch(statements as [(typeof statements)[number], ...typeof statements]);
  await recountTags(
    ctx,
    pub.id,
    tagRows.map((t) => t.slug),
  );
  const total = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(publishedPosts)
    .where(eq(publishedPosts.publicationId, pub.id))
    .get();
  return { publication: pub.slug, added: input.count, total: total?.n ?? 0 };
}
